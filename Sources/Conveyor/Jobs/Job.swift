public import Foundation

/// A job as the store keeps it and the API shows it (DESIGN §5 "Job JSON").
public struct Job: Sendable, Hashable {
    public var id: JobID
    /// The registered handler or pipeline name.
    public var type: String
    public var queue: String
    public var status: JobStatus
    public var priority: JobPriority
    /// The input, as JSON bytes.
    public var payload: Data
    /// The output as JSON bytes, once completed.
    public var result: Data?
    /// Why the last attempt failed, if it did.
    public var error: JobFailure?
    /// Attempts started so far (a claim starts one; a "run again later" gives it back).
    public var attempts: Int
    public var maxAttempts: Int
    public var progress: JobProgress
    /// The user who enqueued it (JWT `sub`); `nil` for jobs made in-process.
    public var owner: String?
    /// While this job is unfinished, enqueues with the same key return it instead of a new job.
    public var dedupKey: String?
    /// How long one attempt may run before it is cancelled.
    public var timeout: Duration
    public var createdAt: Date
    /// When it may run (its delay, or its retry backoff).
    public var scheduledAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    /// The worker's claim while running.
    public var lease: JobLease?
    /// The worker that ran the latest attempt: the lease holder while running, and kept once the
    /// job settles, so a finished job still says where it ran.
    public var worker: String?
    /// Failed attempts, dependencies, flow and batch, `nil` when the job has none of them.
    private var links: JobLinks?

    /// How many times the job's state has changed: 1 once enqueued, one more for every move
    /// after. Its events carry it, so a client hearing a job from several processes (or twice)
    /// keeps the highest and drops the rest.
    public var sequence: Int

    public init(
        id: JobID, type: String, queue: String, status: JobStatus, priority: JobPriority, payload: Data,
        result: Data? = nil, error: JobFailure? = nil, attempts: Int = 0, maxAttempts: Int,
        progress: JobProgress = .zero, owner: String? = nil, dedupKey: String? = nil, timeout: Duration,
        createdAt: Date, scheduledAt: Date, startedAt: Date? = nil, finishedAt: Date? = nil, lease: JobLease? = nil,
        worker: String? = nil, failedAttempts: [AttemptFailure] = [], dependsOn: [JobID] = [],
        onDependencyFailure: DependencyFailurePolicy = .cancel, waitingOn: Int = 0, flow: FlowMembership? = nil,
        batch: BatchMembership? = nil, sequence: Int = 1
    ) {
        self.id = id
        self.type = type
        self.queue = queue
        self.status = status
        self.priority = priority
        self.payload = payload
        self.result = result
        self.error = error
        self.attempts = attempts
        self.maxAttempts = maxAttempts
        self.progress = progress
        self.owner = owner
        self.dedupKey = dedupKey
        self.timeout = timeout
        self.createdAt = createdAt
        self.scheduledAt = scheduledAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.lease = lease
        self.worker = worker ?? lease?.workerID
        self.links = JobLinks.make(JobLinks.Values(
            failedAttempts: failedAttempts, dependsOn: dependsOn, onDependencyFailure: onDependencyFailure, waitingOn: waitingOn, flow: flow,
            batch: batch))
        self.sequence = sequence
    }
}

extension Job {
    /// Every attempt that ended without completing, oldest first (the last one's error is also
    /// ``error``). A user's retry starts it afresh, as it does ``attempts``.
    public var failedAttempts: [AttemptFailure] {
        get { links?.values.failedAttempts ?? [] }
        set { changeLinks { $0.failedAttempts = newValue } }
    }

    /// The jobs this one waits for (it is `waiting` until they end), in the order given.
    public var dependsOn: [JobID] {
        get { links?.values.dependsOn ?? [] }
        set { changeLinks { $0.dependsOn = newValue } }
    }

    /// What happens to it when one of ``dependsOn`` fails or is cancelled.
    public var onDependencyFailure: DependencyFailurePolicy {
        get { links?.values.onDependencyFailure ?? .cancel }
        set { changeLinks { $0.onDependencyFailure = newValue } }
    }

    /// How many of ``dependsOn`` have not ended yet: the job is queued when this reaches 0.
    public var waitingOn: Int {
        get { links?.values.waitingOn ?? 0 }
        set { changeLinks { $0.waitingOn = newValue } }
    }

    /// The flow it belongs to, if any (`GET /api/flows/{id}`).
    public var flow: FlowMembership? {
        get { links?.values.flow }
        set { changeLinks { $0.flow = newValue } }
    }

    /// The batch it belongs to, as one of its jobs or one of its callbacks (`GET /api/batches/{id}`).
    public var batch: BatchMembership? {
        get { links?.values.batch }
        set { changeLinks { $0.batch = newValue } }
    }

    private mutating func changeLinks(_ change: (inout JobLinks.Values) -> Void) {
        var values = links?.values ?? .none
        change(&values)
        links = JobLinks.make(values)
    }
}
