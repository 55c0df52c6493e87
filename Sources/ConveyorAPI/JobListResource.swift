/// `GET /api/jobs` and `GET /api/dead-letter`: one page, newest first, and the cursor of the
/// next page (`null` at the end).
public struct JobListResource: Codable, Sendable, Hashable {
    public var jobs: [JobResource]
    public var nextCursor: String?

    public init(jobs: [JobResource], nextCursor: String?) {
        self.jobs = jobs
        self.nextCursor = nextCursor
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case jobs, nextCursor }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(jobs, forKey: .jobs)
        try c.encode(nextCursor, forKey: .nextCursor)
    }
}
