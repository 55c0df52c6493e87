public import Foundation

/// How a job this one waited for ended, as the handler sees it in ``JobContext/dependencies``:
/// a later step of a flow reads what the earlier ones returned instead of fetching it again.
public struct DependencyResult: Sendable, Hashable {
    public var id: JobID
    public var type: String
    /// `completed`, `failed` or `cancelled` (only a job whose policy is `run` sees the last two).
    public var status: JobStatus
    /// The result as JSON, when it completed.
    public var result: Data?
    /// Why it did not complete.
    public var error: JobFailure?

    public init(id: JobID, type: String, status: JobStatus, result: Data?, error: JobFailure?) {
        self.id = id
        self.type = type
        self.status = status
        self.result = result
        self.error = error
    }

    /// What `job` (a dependency that ended) gives its dependents.
    public init(_ job: Job) {
        self.init(id: job.id, type: job.type, status: job.status, result: job.status == .completed ? job.result : nil, error: job.error)
    }
}
