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
    /// The job's ``Job/sequence`` after this move: a client keeps the highest it has seen and
    /// drops anything lower (a late or repeated event, from this process or another).
    public var sequence: Int
    /// JSON bytes, when `status` is `completed`.
    public var result: Data?
    /// Why, when the attempt failed (the job may still retry: see `status`).
    public var error: JobFailure?
    /// When a job moved to `scheduled` by a retry or a run-again runs next.
    public var runAt: Date?
    public var timestamp: Date

    public init(
        jobID: JobID, type: String, queue: String, status: JobStatus, attempt: Int, sequence: Int, result: Data? = nil,
        error: JobFailure? = nil, runAt: Date? = nil, timestamp: Date = Date()
    ) {
        self.runAt = runAt
        self.jobID = jobID
        self.type = type
        self.queue = queue
        self.status = status
        self.attempt = attempt
        self.sequence = sequence
        self.result = result
        self.error = error
        self.timestamp = timestamp
    }

    /// The move that left `job` as it is now, at `timestamp` — by default when a finished job
    /// finished, else now.
    public init(_ job: Job, timestamp: Date? = nil) {
        let timestamp = timestamp ?? (job.status.isTerminal ? job.finishedAt : nil) ?? Date()
        self.init(
            jobID: job.id, type: job.type, queue: job.queue, status: job.status, attempt: job.attempts, sequence: job.sequence,
            result: job.status == .completed ? job.result : nil, error: job.status == .running ? nil : job.error,
            timestamp: timestamp)
    }
}

/// A progress report of a running job.
public struct JobProgressUpdate: Sendable, Hashable {
    public var jobID: JobID
    public var type: String
    public var progress: JobProgress
    /// The ``Job/sequence`` of the `running` state this report belongs to: a report with a lower
    /// one than the client has seen is from an earlier attempt, or arrived after the job moved on.
    public var sequence: Int
    public var timestamp: Date

    public init(jobID: JobID, type: String, progress: JobProgress, sequence: Int, timestamp: Date = Date()) {
        self.jobID = jobID
        self.type = type
        self.progress = progress
        self.sequence = sequence
        self.timestamp = timestamp
    }
}
