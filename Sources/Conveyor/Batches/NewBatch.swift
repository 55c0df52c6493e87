public import Foundation

/// A batch ready to be written: its jobs (each carrying the batch's membership) and the callback
/// jobs to enqueue when their conditions hold, every default already resolved by the runtime.
public struct NewBatch: Sendable, Hashable {
    public var id: JobID
    public var name: String?
    /// The user it belongs to (JWT `sub`); `nil` for batches made in-process.
    public var owner: String?
    public var createdAt: Date
    public var jobs: [NewJob]
    /// Written now, enqueued when due: each gets its batch's membership as its callback then.
    public var callbacks: [BatchCallbackKind: NewJob]

    public init(id: JobID = .make(), name: String? = nil, owner: String? = nil, createdAt: Date = Date(), jobs: [NewJob], callbacks: [BatchCallbackKind: NewJob] = [:]) {
        self.id = id
        self.name = name
        self.owner = owner
        self.createdAt = createdAt
        self.jobs = jobs.map { job in
            var job = job
            job.batch = BatchMembership(id: id)
            return job
        }
        self.callbacks = Dictionary(uniqueKeysWithValues: callbacks.map { kind, job in
            var job = job
            job.batch = BatchMembership(id: id, callback: kind)
            return (kind, job)
        })
    }

    /// The callback job as enqueued at `date`: created then, ready at once.
    public static func callbackJob(_ callback: NewJob, at date: Date) -> Job {
        var callback = callback
        callback.createdAt = date
        callback.runAt = date
        return callback.job
    }
}

extension NewBatch {
    /// Throws `.invalidInput` naming `jobs[i]` for a job a batch cannot hold: one that waits for
    /// other jobs, or one with a dedup key (it could turn out to be another job, not the batch's).
    public func check() throws {
        for (index, job) in jobs.enumerated() {
            if !job.dependsOn.isEmpty { throw ConveyorError(.invalidInput, "jobs[\(index)].dependsOn: a batch's jobs cannot wait for other jobs") }
            if job.dedupKey != nil { throw ConveyorError(.invalidInput, "jobs[\(index)].dedupKey: a batch's jobs cannot be deduplicated") }
        }
    }
}
