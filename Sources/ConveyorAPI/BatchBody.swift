/// `POST /api/jobs/batch`: up to the server's batch limit of jobs, enqueued together.
public struct BatchBody: Codable, Sendable {
    public var jobs: [EnqueueBody]

    public init(jobs: [EnqueueBody]) { self.jobs = jobs }
}
