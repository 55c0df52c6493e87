/// `GET /api/jobs`: one page, newest first, and the cursor of the next page (`null` at the end).
struct JobListResource: Encodable, Sendable {
    let jobs: [JobResource]
    let nextCursor: String?

    enum CodingKeys: String, CodingKey { case jobs, nextCursor }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(jobs, forKey: .jobs)
        try c.encode(nextCursor, forKey: .nextCursor)
    }
}
