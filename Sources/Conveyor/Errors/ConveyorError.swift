/// An error from Conveyor's own API (enqueue, cancel, configuration, stores), with a stable
/// snake_case code the server maps to an HTTP status and a sentence that names the field at fault.
public struct ConveyorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable, snake_case; the server's `error.code`.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The job type is not registered.
        public static let unknownJobType = Code(rawValue: "unknown_job_type")
        /// The payload does not decode into the handler's input.
        public static let invalidPayload = Code(rawValue: "invalid_payload")
        /// An option (queue, priority, delay, …) is out of range.
        public static let invalidInput = Code(rawValue: "invalid_input")
        /// The queue already holds `maxQueueSize` unfinished jobs.
        public static let queueFull = Code(rawValue: "queue_full")
        /// The owner already has as many unfinished jobs as one user may have.
        public static let tooManyJobs = Code(rawValue: "too_many_jobs")
        /// No job with that id.
        public static let notFound = Code(rawValue: "not_found")
        /// The job is in a state that does not allow the action.
        public static let conflict = Code(rawValue: "conflict")
        /// A configuration value is invalid.
        public static let invalidConfiguration = Code(rawValue: "invalid_configuration")
        /// The store cannot be opened or reached.
        public static let storeUnavailable = Code(rawValue: "store_unavailable")
        /// The runtime is draining and takes no new work.
        public static let shuttingDown = Code(rawValue: "shutting_down")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
