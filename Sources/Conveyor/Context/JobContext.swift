public import Logging

/// What a running job sees: who it is, how to report progress, the memory budget, and a
/// logger already tagged with the job's id and type. Cancellation is the task's own: timeouts,
/// cancels and shutdown cancel the task, so `Task.checkCancellation()` and `Task.sleep` stop the work.
public struct JobContext: Sendable {
    public let jobID: JobID
    /// The job type being run.
    public let jobType: String
    /// 1 on the first run. At-least-once delivery means an attempt may repeat: use it to
    /// make side effects idempotent.
    public let attempt: Int
    public let maxAttempts: Int
    /// Tagged with `job.id`, `job.type`, `job.attempt` and, inside a pipeline, `job.stage`.
    /// Built on use: some log handlers format metadata eagerly, too costly for every job.
    public var logger: Logger {
        var logger = baseLogger
        logger[metadataKey: "job.id"] = .stringConvertible(jobID)
        logger[metadataKey: "job.type"] = .string(jobType)
        logger[metadataKey: "job.attempt"] = .stringConvertible(attempt)
        if let stage { logger[metadataKey: "job.stage"] = .string(stage) }
        return logger
    }

    private let baseLogger: Logger
    /// This job's share of the process-wide memory budget.
    public let memory: JobMemory
    /// How each job this one waited for (`dependsOn`) ended, in the order given; empty for a job
    /// that waited for none. Typed access: ``result(of:)``.
    public let dependencies: [DependencyResult]
    /// For a batch's callback (`onComplete`, `onSuccess`, `onFailure`): the batch as it stands when
    /// the callback starts — its counts and which jobs failed can be read from it. `nil` otherwise.
    public let batch: BatchSnapshot?

    let tracker: ProgressTracker
    /// The job's recorded steps; `nil` for a context made outside a runtime, whose steps just run.
    let journal: StepJournal?
    private let stage: String?
    private let lower: Double
    private let upper: Double

    package init(
        jobID: JobID, jobType: String, attempt: Int, maxAttempts: Int, logger: Logger, memory: JobMemory,
        tracker: ProgressTracker, dependencies: [DependencyResult] = [], batch: BatchSnapshot? = nil,
        journal: StepJournal? = nil
    ) {
        self.jobID = jobID
        self.jobType = jobType
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.baseLogger = logger
        self.memory = memory
        self.tracker = tracker
        self.dependencies = dependencies
        self.batch = batch
        self.journal = journal
        self.stage = nil
        self.lower = 0
        self.upper = 1
    }

    /// Reports progress: `fraction` 0…1 of this handler (or of this stage, inside a pipeline),
    /// with an optional message. Cheap to call often: events are throttled to 10/s.
    public func progress(_ fraction: Double, _ message: String? = nil) {
        let clamped = fraction.isFinite ? min(max(fraction, 0), 1) : 0
        tracker.report(percent: (lower + (upper - lower) * clamped) * 100, stage: stage, message: message)
    }

    /// The stage currently reported, `nil` outside a pipeline.
    public var stageName: String? { stage }

    /// A context for one stage run by hand: its progress 0…1 maps into `lower…upper` of the whole
    /// job and its events carry the stage's name. Pipelines do this for each stage; a handler
    /// that calls stages itself uses it to keep progress moving forward.
    public func entering(stage name: String, from lower: Double, to upper: Double) -> JobContext {
        JobContext(self, stage: name, lower: lower, upper: upper)
    }

    private init(_ base: JobContext, stage: String, lower: Double, upper: Double) {
        jobID = base.jobID
        jobType = base.jobType
        attempt = base.attempt
        maxAttempts = base.maxAttempts
        baseLogger = base.baseLogger
        memory = base.memory
        tracker = base.tracker
        dependencies = base.dependencies
        batch = base.batch
        journal = base.journal
        self.stage = stage
        self.lower = lower
        self.upper = upper
    }
}
