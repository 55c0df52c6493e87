/// The sizes one process's memory budget enforces (DESIGN §7 `CONVEYOR_MAX_*`).
public struct MemoryLimits: Sendable, Hashable {
    /// Bytes all jobs together may hold (default 200 MB).
    public var maxTotal: Int
    /// Bytes one job may hold; more is a permanent failure (default 50 MB).
    public var maxPerJob: Int
    /// Utilization (percent) above which a warning event is sent (default 80).
    public var warningThreshold: Double
    /// How long a job waits for room before failing with a retryable error (default 60 s).
    public var maxWait: Duration

    public init(
        maxTotal: Int = 200_000_000, maxPerJob: Int = 50_000_000, warningThreshold: Double = 80,
        maxWait: Duration = .seconds(60)
    ) {
        self.maxTotal = maxTotal
        self.maxPerJob = maxPerJob
        self.warningThreshold = warningThreshold
        self.maxWait = maxWait
    }

    /// One line per invalid value: name, value, allowed range.
    public var problems: [String] {
        var problems: [String] = []
        if maxTotal <= 0 { problems.append("maxTotalMemory: \(maxTotal) must be greater than 0 bytes") }
        if maxPerJob <= 0 { problems.append("maxMemoryPerJob: \(maxPerJob) must be greater than 0 bytes") }
        if maxPerJob > maxTotal && maxTotal > 0 {
            problems.append("maxMemoryPerJob: \(ByteCount.format(maxPerJob)) must not exceed maxTotalMemory (\(ByteCount.format(maxTotal)))")
        }
        if !(1...100).contains(warningThreshold) { problems.append("memoryWarningThreshold: \(warningThreshold) must be within 1…100") }
        if maxWait <= .zero { problems.append("memoryMaxWait: \(maxWait) must be greater than 0") }
        return problems
    }
}
