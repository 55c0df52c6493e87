/// What a batch of new jobs comes to before a store writes it: each job is new, or the
/// unfinished job already holding its `dedupKey` (in the store or earlier in the batch). Every
/// store resolves a batch the same way with this, then checks capacity and writes the new ones.
public struct EnqueuePlan: Sendable {
    /// One per new job, in order.
    public private(set) var results: [EnqueueResult] = []
    /// New jobs per queue: what `maxQueueSize` is checked against.
    public private(set) var added: [String: Int] = [:]

    /// `holder` returns the store's unfinished job with a dedup key, if any.
    public init(_ newJobs: [NewJob], holder: (String) throws -> Job?) rethrows {
        results.reserveCapacity(newJobs.count)
        var batchKeys: [String: Job] = [:]
        for new in newJobs {
            if let key = new.dedupKey {
                if let existing = try batchKeys[key] ?? holder(key) {
                    results.append(EnqueueResult(job: existing, deduplicated: true))
                    continue
                }
                batchKeys[key] = new.job
            }
            added[new.queue, default: 0] += 1
            results.append(EnqueueResult(job: new.job, deduplicated: false))
        }
    }

    /// The jobs to write.
    public var newJobs: [Job] { results.filter { !$0.deduplicated }.map(\.job) }

    /// Throws `ConveyorError(.queueFull)` naming the first queue (by name) that would hold more
    /// than `maxQueueSize` unfinished, unstarted jobs; `waiting` gives a queue's count now.
    public func checkCapacity(maxQueueSize: Int?, waiting: (String) throws -> Int) throws {
        guard let maxQueueSize else { return }
        for (queue, count) in added.sorted(by: { $0.key < $1.key }) {
            let now = try waiting(queue)
            if now + count > maxQueueSize {
                throw ConveyorError(.queueFull, "Queue '\(queue)' is full: \(now) unfinished jobs waiting (maxQueueSize \(maxQueueSize))")
            }
        }
    }
}
