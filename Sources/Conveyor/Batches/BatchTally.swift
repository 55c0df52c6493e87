public import Foundation

/// The one rule of when a batch's callbacks are due, as the counters a store keeps on the batch's
/// row (DESIGN §12): every store moves these in the same transaction as the jobs' ends, so a
/// callback is enqueued exactly once, however many processes finish the batch's last jobs.
/// (PostgreSQL applies it in SQL, `conveyor_batch_ended`, which mirrors this type.)
public struct BatchTally: Sendable, Hashable {
    /// Jobs not ended yet; the batch finishes when this reaches 0.
    public var remaining: Int
    /// Jobs that ended other than completed (a retried one is taken back out).
    public var unsuccessful: Int
    /// Whether a job has failed for good yet: `onFailure` comes at the first.
    public var failureSeen: Bool
    public var finishedAt: Date?

    public init(remaining: Int, unsuccessful: Int = 0, failureSeen: Bool = false, finishedAt: Date? = nil) {
        self.remaining = remaining
        self.unsuccessful = unsuccessful
        self.failureSeen = failureSeen
        self.finishedAt = finishedAt
    }

    /// A new batch of `total` jobs: an empty one is finished at once, and its `onComplete` and
    /// `onSuccess` are due then (returned).
    public static func start(total: Int, at date: Date) -> (BatchTally, [BatchCallbackKind]) {
        var tally = BatchTally(remaining: total)
        guard total == 0 else { return (tally, []) }
        tally.finishedAt = date
        return (tally, [.onComplete, .onSuccess])
    }

    /// Jobs of the batch ended with `statuses`; returns the callbacks that became due, each once.
    /// A finished batch counts nothing more (a job retried after it finished runs on its own).
    public mutating func ended(_ statuses: [JobStatus], at date: Date) -> [BatchCallbackKind] {
        guard finishedAt == nil, !statuses.isEmpty else { return [] }
        var due: [BatchCallbackKind] = []
        remaining = max(0, remaining - statuses.count)
        unsuccessful += statuses.filter { $0 != .completed }.count
        if !failureSeen, statuses.contains(.failed) {
            failureSeen = true
            due.append(.onFailure)
        }
        if remaining == 0 {
            finishedAt = date
            due.append(.onComplete)
            if unsuccessful == 0 { due.append(.onSuccess) }
        }
        return due
    }

    /// A job of the batch that had ended unsuccessfully runs again (a user's retry): the batch
    /// waits for it once more, unless it has finished already.
    public mutating func restarted() {
        guard finishedAt == nil else { return }
        remaining += 1
        unsuccessful = max(0, unsuccessful - 1)
    }
}
