public import Conveyor
public import Foundation

/// A job as the API shows it: payload and result as JSON, times in ISO 8601 UTC, progress in
/// percent. Absent values are `null`, never missing, so every client reads one shape.
public struct JobResource: Codable, Sendable, Hashable {
    /// Where the job is in its stages, in percent.
    public struct Progress: Codable, Sendable, Hashable {
        public var percent: Double
        public var stage: String?
        public var message: String?

        public init(percent: Double, stage: String?, message: String?) {
            self.percent = percent
            self.stage = stage
            self.message = message
        }
    }

    public var id: String
    public var type: String
    public var queue: String
    public var status: JobStatus
    public var priority: JobPriority
    public var payload: JSONValue
    public var result: JSONValue?
    /// Why the last attempt failed: `{code, message, permanent}`.
    public var error: JobFailure?
    public var attempts: Int
    public var maxAttempts: Int
    public var progress: Progress
    public var owner: String?
    public var dedupKey: String?
    public var createdAt: Date
    public var scheduledAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    /// How many times the job's state changed; events carry the same number, so a client can
    /// drop what is older than what it already shows.
    public var sequence: Int
    /// The worker running it (its lease holder), or that ran its latest attempt; `null` before
    /// the first.
    public var worker: String?
    /// The flow it belongs to and its key there; `null` for a job of no flow.
    public var flowId: String?
    public var flowKey: String?
    /// The batch it belongs to, and for a batch's callback which one (`onComplete`, …); `null`
    /// for a job of no batch, and `batchCallback` `null` for the batch's own jobs.
    public var batchId: String?
    public var batchCallback: BatchCallbackKind?
    /// The jobs it waits (or waited) for; empty for most.
    public var dependsOn: [JobID]
    /// What it does when one of them fails: `cancel` or `run`.
    public var onDependencyFailure: DependencyFailurePolicy
    /// Every attempt that ended without completing, oldest first: `{attempt, worker, startedAt,
    /// endedAt, error}`. Empty for a job that never failed.
    public var errors: [AttemptFailure]
    /// Its pipeline stages and recorded steps (``StepResource``), on answers about one job
    /// (`GET /api/jobs/{id}`, cancel, retry); `null` in lists and enqueue answers, which would
    /// otherwise read them for every job.
    public var steps: [StepResource]?
    /// Only on enqueue answers: `true` when an unfinished job with the same `dedupKey` was returned.
    public var deduplicated: Bool?

    public init(_ job: Job, deduplicated: Bool? = nil, steps: [StepResource]? = nil) {
        id = job.id.description
        type = job.type
        queue = job.queue
        status = job.status
        priority = job.priority
        payload = JSONValue(json: job.payload)
        result = job.result.map(JSONValue.init(json:))
        error = job.error
        attempts = job.attempts
        maxAttempts = job.maxAttempts
        progress = Progress(percent: job.progress.percent, stage: job.progress.stage, message: job.progress.message)
        owner = job.owner
        dedupKey = job.dedupKey
        createdAt = job.createdAt
        scheduledAt = job.scheduledAt
        startedAt = job.startedAt
        finishedAt = job.finishedAt
        sequence = job.sequence
        worker = job.worker
        errors = job.failedAttempts
        dependsOn = job.dependsOn
        flowId = job.flow?.id.description
        flowKey = job.flow?.key
        batchId = job.batch?.id.description
        batchCallback = job.batch?.callback
        onDependencyFailure = job.onDependencyFailure
        self.steps = steps
        self.deduplicated = deduplicated
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, type, queue, status, priority, payload, result, error, attempts, maxAttempts, progress, owner, dedupKey
        case createdAt, scheduledAt, startedAt, finishedAt, sequence, worker, errors, flowId, flowKey, batchId, batchCallback, dependsOn, onDependencyFailure
        case steps, deduplicated
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(type, forKey: .type)
        try c.encode(queue, forKey: .queue)
        try c.encode(status, forKey: .status)
        try c.encode(priority, forKey: .priority)
        try c.encode(payload, forKey: .payload)
        try c.encode(result, forKey: .result)
        try c.encode(error, forKey: .error)
        try c.encode(attempts, forKey: .attempts)
        try c.encode(maxAttempts, forKey: .maxAttempts)
        try c.encode(progress, forKey: .progress)
        try c.encode(owner, forKey: .owner)
        try c.encode(dedupKey, forKey: .dedupKey)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(scheduledAt, forKey: .scheduledAt)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(finishedAt, forKey: .finishedAt)
        try c.encode(sequence, forKey: .sequence)
        try c.encode(worker, forKey: .worker)
        try c.encode(errors, forKey: .errors)
        try c.encode(flowId, forKey: .flowId)
        try c.encode(flowKey, forKey: .flowKey)
        try c.encode(batchId, forKey: .batchId)
        try c.encode(batchCallback, forKey: .batchCallback)
        try c.encode(dependsOn, forKey: .dependsOn)
        try c.encode(onDependencyFailure, forKey: .onDependencyFailure)
        try c.encode(steps, forKey: .steps)
        try c.encodeIfPresent(deduplicated, forKey: .deduplicated)
    }
}
