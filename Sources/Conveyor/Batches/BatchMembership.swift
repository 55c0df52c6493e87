/// How a job belongs to a batch: one of its jobs (``callback`` is `nil`), or one of its callbacks.
/// Kept on each job, so a job's JSON names its batch and the store can count the batch's jobs.
public struct BatchMembership: Sendable, Hashable, Codable {
    /// The batch's id (a UUIDv7, made like a job's).
    public var id: JobID
    /// Which callback this job is; `nil` for the batch's own jobs.
    public var callback: BatchCallbackKind?

    public init(id: JobID, callback: BatchCallbackKind? = nil) {
        self.id = id
        self.callback = callback
    }

    /// `true` for one of the batch's jobs, whose end counts towards the batch.
    public var isMember: Bool { callback == nil }
}
