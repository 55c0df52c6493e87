public import Configuration

extension RuntimeConfiguration {
    /// Reads the worker settings under `scope` — `workers`, `lease`, `jobTimeout`,
    /// `drainTimeout`, `maxQueueSize`, `maxJobs`, `maxJobsPerUser`, `maxTotalMemory`,
    /// `maxMemoryPerJob`, `memoryWarningThreshold`, `maxStepOutput`, `retentionCompleted`, `retentionFailed` —
    /// over the defaults, and throws every unreadable or out-of-range one at once, named by its key.
    public init(config: ConfigReader, scope: [String] = ["conveyor"], queues: [String]? = nil) throws(ConfigurationProblem) {
        var settings = SettingsReader(config, scope: scope)
        self.init(queues: queues)
        concurrency = settings.integer("workers") ?? concurrency
        leaseDuration = settings.duration("lease") ?? leaseDuration
        defaultTimeout = settings.duration("jobTimeout") ?? defaultTimeout
        drainTimeout = settings.duration("drainTimeout") ?? drainTimeout
        maxQueueSize = settings.integer("maxQueueSize") ?? maxQueueSize
        maxJobs = settings.integer("maxJobs") ?? maxJobs
        maxJobsPerOwner = settings.integer("maxJobsPerUser") ?? maxJobsPerOwner
        memory.maxTotal = settings.bytes("maxTotalMemory") ?? memory.maxTotal
        memory.maxPerJob = settings.bytes("maxMemoryPerJob") ?? memory.maxPerJob
        memory.warningThreshold = settings.integer("memoryWarningThreshold").map(Double.init) ?? memory.warningThreshold
        maxStepOutput = settings.bytes("maxStepOutput") ?? maxStepOutput
        retention.completed = settings.duration("retentionCompleted") ?? retention.completed
        retention.cancelled = retention.completed
        retention.failed = settings.duration("retentionFailed") ?? retention.failed
        settings.report(validation: problems)
        try settings.check()
    }
}
