/// Which jobs `GET /api/jobs` lists. Newest first; `cursor` is the last id of the previous page.
public struct JobFilter: Sendable, Hashable {
    public var status: JobStatus?
    public var type: String?
    public var queue: String?
    public var owner: String?
    public var limit: Int
    public var cursor: JobID?

    public init(status: JobStatus? = nil, type: String? = nil, queue: String? = nil, owner: String? = nil, limit: Int = 50, cursor: JobID? = nil) {
        self.status = status
        self.type = type
        self.queue = queue
        self.owner = owner
        self.limit = limit
        self.cursor = cursor
    }
}
