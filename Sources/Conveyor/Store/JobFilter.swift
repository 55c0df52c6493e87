/// Which jobs `GET /api/jobs` lists. Newest first; `cursor` is the last id of the previous page.
public struct JobFilter: Sendable, Hashable {
    public var status: JobStatus?
    public var type: String?
    public var queue: String?
    public var owner: String?
    /// A job's id, or text its payload or its last error contains (ASCII letters match in either
    /// case): how an operator finds "the job for chat -100123" among thousands. It reads every row
    /// the other filters leave, so pair it with them on a big store.
    public var search: String?
    /// Only the jobs of this flow.
    public var flowID: JobID?
    /// Only the jobs of this batch (its callbacks too).
    public var batchID: JobID?
    public var limit: Int
    public var cursor: JobID?

    public init(
        status: JobStatus? = nil, type: String? = nil, queue: String? = nil, owner: String? = nil, search: String? = nil, flowID: JobID? = nil,
        batchID: JobID? = nil, limit: Int = 50, cursor: JobID? = nil
    ) {
        self.status = status
        self.type = type
        self.queue = queue
        self.owner = owner
        self.search = search
        self.flowID = flowID
        self.batchID = batchID
        self.limit = limit
        self.cursor = cursor
    }

    /// Whether `job` is what ``search`` looks for (`true` without one): the rule the SQL stores
    /// spell in their queries.
    public func searchMatches(_ job: Job) -> Bool {
        guard let search else { return true }
        if JobID(search) == job.id { return true }
        let needle = Self.asciiLowercased(search)
        return [String(decoding: job.payload, as: UTF8.self), job.error?.message ?? ""].contains { Self.asciiLowercased($0).contains(needle) }
    }

    private static func asciiLowercased(_ text: String) -> String {
        String(decoding: text.utf8.map { (65...90).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
    }
}
