/// The one code type of every Conveyor error: API refusals (``ConveyorError``), handler failures
/// (``JobError``) and the failure kept on a job (``JobFailure``), so a program that reads
/// `error.code` from the API, a job or an event compares against the same constants.
///
/// Codes are stable snake_case strings; handlers add their own with a string literal
/// (`code: "download_not_found"`).
public struct ErrorCode: RawRepresentable, ExpressibleByStringLiteral, Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
    public var description: String { rawValue }
}

// MARK: - Refusals of the API (ConveyorError)

extension ErrorCode {
    /// The job type is not registered.
    public static let unknownJobType: ErrorCode = "unknown_job_type"
    /// The payload does not decode into the handler's input.
    public static let invalidPayload: ErrorCode = "invalid_payload"
    /// An option (queue, priority, delay, …) is out of range.
    public static let invalidInput: ErrorCode = "invalid_input"
    /// The queue already holds `maxQueueSize` unfinished jobs.
    public static let queueFull: ErrorCode = "queue_full"
    /// The owner already has as many unfinished jobs as one user may have.
    public static let tooManyJobs: ErrorCode = "too_many_jobs"
    /// No job with that id.
    public static let notFound: ErrorCode = "not_found"
    /// The job is in a state that does not allow the action.
    public static let conflict: ErrorCode = "conflict"
    /// A configuration value is invalid.
    public static let invalidConfiguration: ErrorCode = "invalid_configuration"
    /// The store cannot be opened or reached.
    public static let storeUnavailable: ErrorCode = "store_unavailable"
    /// The runtime is draining and takes no new work.
    public static let shuttingDown: ErrorCode = "shutting_down"
}

// MARK: - Why a job failed (JobFailure), set by the runtime and the stores

extension ErrorCode {
    /// The attempt ran past the job's timeout and was cancelled.
    public static let timeout: ErrorCode = "timeout"
    /// A user cancelled the job.
    public static let cancelled: ErrorCode = "cancelled"
    /// The worker holding the job stopped renewing its lease (it died, or lost the store).
    public static let leaseLost: ErrorCode = "lease_lost"
    /// The job asked for more memory than one job may hold.
    public static let memoryTooLarge: ErrorCode = "memory_too_large"
    /// An at-most-once step had started in an earlier attempt and left no outcome: whether its
    /// effect happened is unknown, so it is not run again.
    public static let outcomeUnknown: ErrorCode = "outcome_unknown"
    /// The far side asked to be called later; the attempt was given back.
    public static let runAgain: ErrorCode = "run_again"
    /// This worker knows the type but lacks what running it needs (a plugin's setting): the job
    /// runs again later, without spending an attempt, on a worker that has it.
    public static let handlerUnavailable: ErrorCode = "handler_unavailable"
    /// A handler failure no retry can fix, thrown without a code of its own.
    public static let permanentFailure: ErrorCode = "permanent_failure"
    /// A handler failure worth retrying, thrown without a code of its own.
    public static let retryableFailure: ErrorCode = "retryable_failure"
    /// Something a handler threw that is not a ``JobError``.
    public static let handlerError: ErrorCode = "handler_error"
    /// A job this one waited for failed or was cancelled, and this one's policy is to give up.
    public static let dependencyFailed: ErrorCode = "dependency_failed"
    /// The jobs of a flow wait for each other in a circle, so none could ever start.
    public static let flowCycle: ErrorCode = "flow_cycle"
}
