public import Foundation

/// Something that happened to a job or to the budget. One stream of these feeds the
/// WebSocket, metrics, logs and webhooks.
public enum JobEvent: Sendable {
    /// A job moved to a new state.
    case stateChanged(JobStateChange)
    /// A running job reported progress (throttled to 10/s per job).
    case progress(JobProgressUpdate)
    /// Memory use rose above the warning threshold.
    case memoryWarning(MemoryBudgetStats)
}

/// A job's move to `status`; finished moves carry the result or the error.
public struct JobStateChange: Sendable, Hashable {
    public var jobID: JobID
    public var type: String
    public var queue: String
    public var status: JobStatus
    public var attempt: Int
    /// JSON bytes, when `status` is `completed`.
    public var result: Data?
    /// Why, when the attempt failed (the job may still retry: see `status`).
    public var error: JobFailure?
    public var timestamp: Date

    public init(
        jobID: JobID, type: String, queue: String, status: JobStatus, attempt: Int, result: Data? = nil,
        error: JobFailure? = nil, timestamp: Date = Date()
    ) {
        self.jobID = jobID
        self.type = type
        self.queue = queue
        self.status = status
        self.attempt = attempt
        self.result = result
        self.error = error
        self.timestamp = timestamp
    }
}

/// A progress report of a running job.
public struct JobProgressUpdate: Sendable, Hashable {
    public var jobID: JobID
    public var type: String
    public var progress: JobProgress
    public var timestamp: Date

    public init(jobID: JobID, type: String, progress: JobProgress, timestamp: Date = Date()) {
        self.jobID = jobID
        self.type = type
        self.progress = progress
        self.timestamp = timestamp
    }
}
