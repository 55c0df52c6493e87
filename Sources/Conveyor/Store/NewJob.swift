public import Foundation

/// A job ready to be written: every default already resolved by the runtime.
public struct NewJob: Sendable, Hashable {
    public var id: JobID
    public var type: String
    public var queue: String
    public var priority: JobPriority
    public var payload: Data
    public var maxAttempts: Int
    public var timeout: Duration
    public var owner: String?
    public var dedupKey: String?
    public var createdAt: Date
    /// `createdAt` for "now"; later makes the job `scheduled`.
    public var runAt: Date
    /// Jobs (already stored, or earlier in the same enqueue) this one waits for.
    public var dependsOn: [JobID]
    public var onDependencyFailure: DependencyFailurePolicy
    /// The flow it belongs to, if any.
    public var flow: FlowMembership?
    /// The batch it belongs to, if any (set by ``NewBatch``).
    public var batch: BatchMembership?

    public init(
        id: JobID = .make(), type: String, queue: String = "default", priority: JobPriority = .normal, payload: Data,
        maxAttempts: Int = 3, timeout: Duration = .seconds(600), owner: String? = nil, dedupKey: String? = nil,
        createdAt: Date = Date(), runAt: Date? = nil, dependsOn: [JobID] = [], onDependencyFailure: DependencyFailurePolicy = .cancel,
        flow: FlowMembership? = nil, batch: BatchMembership? = nil
    ) {
        self.id = id
        self.type = type
        self.queue = queue
        self.priority = priority
        self.payload = payload
        self.maxAttempts = maxAttempts
        self.timeout = timeout
        self.owner = owner
        self.dedupKey = dedupKey
        self.createdAt = createdAt
        self.runAt = runAt ?? createdAt
        self.dependsOn = dependsOn
        self.onDependencyFailure = onDependencyFailure
        self.flow = flow
        self.batch = batch
    }

    /// The status it starts in once nothing holds it back.
    public var initialStatus: JobStatus { runAt > createdAt ? .scheduled : .queued }

    /// The stored job it becomes, before its dependencies are looked at (``JobTransitions/start(_:dependencies:now:)``).
    public var job: Job {
        Job(id: id, type: type, queue: queue, status: initialStatus, priority: priority, payload: payload,
            maxAttempts: maxAttempts, owner: owner, dedupKey: dedupKey, timeout: timeout, createdAt: createdAt,
            scheduledAt: runAt, dependsOn: dependsOn, onDependencyFailure: onDependencyFailure, flow: flow, batch: batch)
    }
}
