public import Foundation

/// What a caller asks for when enqueueing; anything left `nil` takes the handler's default.
public struct JobRequest: Sendable, Hashable {
    /// The registered job type.
    public var type: String
    /// The input, as JSON.
    public var payload: Data
    public var options: EnqueueOptions

    public init(type: String, payload: Data, options: EnqueueOptions = EnqueueOptions()) {
        self.type = type
        self.payload = payload
        self.options = options
    }
}

/// Per-job choices an enqueue may make (DESIGN §5 `POST /api/jobs`).
public struct EnqueueOptions: Sendable, Hashable {
    public var queue: String?
    public var priority: JobPriority?
    /// Run after this delay…
    public var delay: Duration?
    /// …or at this time (not both).
    public var runAt: Date?
    public var maxAttempts: Int?
    public var timeout: Duration?
    public var dedupKey: String?
    /// The user the job belongs to.
    public var owner: String?
    /// Jobs it waits for: it is `waiting` until they end (at most 1000).
    public var dependsOn: [JobID]
    /// What it does when one of them fails or is cancelled (default ``DependencyFailurePolicy/cancel``).
    public var onDependencyFailure: DependencyFailurePolicy?
    /// The id the job gets, chosen by the caller so that later jobs of the same enqueue can wait
    /// for it (``FlowPlan`` does this); `nil` for a new one.
    public var jobID: JobID?
    /// The flow the job belongs to (set by ``FlowPlan``).
    public var flow: FlowMembership?

    public init(
        queue: String? = nil, priority: JobPriority? = nil, delay: Duration? = nil, runAt: Date? = nil,
        maxAttempts: Int? = nil, timeout: Duration? = nil, dedupKey: String? = nil, owner: String? = nil,
        dependsOn: [JobID] = [], onDependencyFailure: DependencyFailurePolicy? = nil, jobID: JobID? = nil, flow: FlowMembership? = nil
    ) {
        self.queue = queue
        self.priority = priority
        self.delay = delay
        self.runAt = runAt
        self.maxAttempts = maxAttempts
        self.timeout = timeout
        self.dedupKey = dedupKey
        self.owner = owner
        self.dependsOn = dependsOn
        self.onDependencyFailure = onDependencyFailure
        self.jobID = jobID
        self.flow = flow
    }
}
