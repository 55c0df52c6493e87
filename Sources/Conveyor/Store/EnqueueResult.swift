/// What an enqueue produced: the new job, or the unfinished one holding the same `dedupKey`.
public struct EnqueueResult: Sendable, Hashable {
    public var job: Job
    /// `true` when `job` already existed (HTTP 200 + `"deduplicated": true`).
    public var deduplicated: Bool

    public init(job: Job, deduplicated: Bool) {
        self.job = job
        self.deduplicated = deduplicated
    }
}
