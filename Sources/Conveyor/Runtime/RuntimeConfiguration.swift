import Foundation

/// How a runtime runs its workers. Every value is checked by `problems` before start.
public struct RuntimeConfiguration: Sendable {
    /// Names this process in leases; unique per process.
    public var workerID: String
    /// Jobs run at once (1…1024).
    public var concurrency: Int
    /// Queues to work; `nil` for all.
    public var queues: [String]?
    /// Most jobs taken in one claim.
    public var claimBatchSize: Int
    /// How often to look for work that no wake-up announced (other processes, due jobs).
    public var pollInterval: Duration
    /// How long a claim lasts without a heartbeat; a dead worker's jobs rerun after it.
    public var leaseDuration: Duration
    /// Time limit of one attempt when neither the job nor its handler sets one.
    public var defaultTimeout: Duration
    /// On shutdown, how long running jobs may finish before they are cancelled and re-queued.
    public var drainTimeout: Duration
    /// Unfinished, unstarted jobs one queue may hold; `nil` for no limit.
    public var maxQueueSize: Int?
    /// Unfinished jobs the whole store may hold, whatever their queue; `nil` for no limit.
    public var maxJobs: Int?
    /// Unfinished jobs one owner may have; `nil` for no limit.
    public var maxJobsPerOwner: Int?
    public var priorityWeights: PriorityWeights
    public var retention: RetentionPolicy
    /// How often finished jobs are pruned.
    public var pruneInterval: Duration
    public var memory: MemoryLimits
    /// The largest step output recorded (`CONVEYOR_MAX_STEP_OUTPUT`, 1 MiB): a bigger one is left
    /// out, logged, and its step runs again in a later attempt — the store is no place for videos.
    public var maxStepOutput: Int = 1 << 20

    public init(
        workerID: String? = nil, concurrency: Int = 16, queues: [String]? = nil, claimBatchSize: Int = 64,
        pollInterval: Duration = .milliseconds(250), leaseDuration: Duration = .seconds(30),
        defaultTimeout: Duration = .seconds(600), drainTimeout: Duration = .seconds(30), maxQueueSize: Int? = nil,
        priorityWeights: PriorityWeights = .default, retention: RetentionPolicy = RetentionPolicy(),
        pruneInterval: Duration = .seconds(60), memory: MemoryLimits = MemoryLimits()
    ) {
        self.workerID = workerID ?? RuntimeConfiguration.defaultWorkerID()
        self.concurrency = concurrency
        self.queues = queues
        self.claimBatchSize = claimBatchSize
        self.pollInterval = pollInterval
        self.leaseDuration = leaseDuration
        self.defaultTimeout = defaultTimeout
        self.drainTimeout = drainTimeout
        self.maxQueueSize = maxQueueSize
        self.priorityWeights = priorityWeights
        self.retention = retention
        self.pruneInterval = pruneInterval
        self.memory = memory
    }

    /// One line per invalid value: its name, the value, and the allowed range.
    public var problems: [String] {
        var problems: [String] = []
        if !(1...1024).contains(concurrency) { problems.append("workers: \(concurrency) is out of range 1…1024") }
        if !(1...10_000).contains(claimBatchSize) { problems.append("claimBatchSize: \(claimBatchSize) is out of range 1…10000") }
        if let queues, queues.isEmpty { problems.append("queues: the list is empty; omit it to work every queue") }
        if pollInterval < .milliseconds(1) || pollInterval > .seconds(60) { problems.append("pollInterval: \(DurationText.format(pollInterval)) is out of range 1ms…60s") }
        if leaseDuration < .seconds(1) || leaseDuration > .seconds(3600) { problems.append("lease: \(DurationText.format(leaseDuration)) is out of range 1s…1h") }
        if defaultTimeout < .milliseconds(1) || defaultTimeout > .seconds(7 * 86_400) { problems.append("jobTimeout: \(DurationText.format(defaultTimeout)) is out of range 1ms…7d") }
        if drainTimeout < .zero || drainTimeout > .seconds(3600) { problems.append("drainTimeout: \(DurationText.format(drainTimeout)) is out of range 0s…1h") }
        if let maxQueueSize, maxQueueSize < 1 { problems.append("maxQueueSize: \(maxQueueSize) must be at least 1") }
        if let maxJobs, maxJobs < 1 { problems.append("maxJobs: \(maxJobs) must be at least 1") }
        if let maxJobsPerOwner, maxJobsPerOwner < 1 { problems.append("maxJobsPerUser: \(maxJobsPerOwner) must be at least 1") }
        if retention.completed <= .zero || retention.failed <= .zero || retention.cancelled <= .zero { problems.append("retention: durations must be greater than 0") }
        if maxStepOutput < 0 { problems.append("maxStepOutput: \(maxStepOutput) must not be negative") }
        if pruneInterval < .seconds(1) { problems.append("pruneInterval: \(DurationText.format(pruneInterval)) must be at least 1s") }
        return problems + priorityWeights.problems + memory.problems
    }

    static func defaultWorkerID() -> String {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "host"
        return "\(host)-\(ProcessInfo.processInfo.processIdentifier)-\(UInt16.random(in: .min ... .max))"
    }

    /// The caps every enqueue is checked against, in the store's transaction.
    public var enqueueLimits: EnqueueLimits {
        EnqueueLimits(maxQueueSize: maxQueueSize, maxUnfinished: maxJobs, maxUnfinishedPerOwner: maxJobsPerOwner)
    }
}
