public import Foundation

/// A batch as the store holds it now (`GET /api/batches/{id}`): its counters, its jobs counted by
/// state, and the ids of the callbacks enqueued so far.
public struct BatchSnapshot: Sendable, Hashable {
    public var id: JobID
    public var name: String?
    public var owner: String?
    public var total: Int
    /// The batch's jobs per state; every state present, 0 for none.
    public var counts: [JobStatus: Int]
    /// The callbacks asked for, each with the id of its job once enqueued (`nil` until then).
    public var callbacks: [BatchCallbackKind: JobID?]
    public var createdAt: Date
    public var finishedAt: Date?

    public init(id: JobID, name: String?, owner: String?, total: Int, counts: [JobStatus: Int], callbacks: [BatchCallbackKind: JobID?], createdAt: Date, finishedAt: Date?) {
        self.id = id
        self.name = name
        self.owner = owner
        self.total = total
        self.counts = Dictionary(uniqueKeysWithValues: JobStatus.allCases.map { ($0, counts[$0] ?? 0) })
        self.callbacks = callbacks
        self.createdAt = createdAt
        self.finishedAt = finishedAt
    }

    public var status: BatchStatus { finishedAt == nil ? .running : .finished }
    public var completed: Int { counts[.completed] ?? 0 }
    public var failed: Int { counts[.failed] ?? 0 }
    public var cancelled: Int { counts[.cancelled] ?? 0 }
    /// Jobs not ended yet.
    public var pending: Int { max(0, total - completed - failed - cancelled) }
    /// Ended jobs out of all, 0…100 (100 for an empty batch).
    public var percent: Double { total == 0 ? 100 : Double(total - pending) / Double(total) * 100 }
}
