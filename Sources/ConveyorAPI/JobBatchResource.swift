/// The answer to `POST /api/jobs/batch`: the jobs in the order they were sent, each marked
/// `deduplicated` when an unfinished job with its key was returned instead.
public struct JobBatchResource: Codable, Sendable, Hashable {
    public var jobs: [JobResource]

    public init(jobs: [JobResource]) { self.jobs = jobs }
}
