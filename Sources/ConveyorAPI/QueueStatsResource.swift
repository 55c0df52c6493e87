public import Conveyor
public import Foundation

/// `GET /api/queues/stats` and the WebSocket's `queue:stats`: counts by state, ages, the
/// last minute's throughput, the workers of every process sharing the store, and the answering
/// process's memory budget.
public struct QueueStatsResource: Codable, Sendable, Hashable {
    /// Jobs running in every worker process sharing the store, and how many they may run at once.
    public struct Workers: Codable, Sendable, Hashable {
        public var active: Int
        public var max: Int

        public init(active: Int, max: Int) {
            self.active = active
            self.max = max
        }
    }

    public var queued, scheduled, waiting, running, completed, failed, cancelled, total: Int
    /// Seconds since the oldest queued job became ready; `null` when none is queued.
    public var oldestQueuedAge: Double?
    /// Seconds since the longest-running job started; `null` when none runs.
    public var oldestRunningAge: Double?
    public var throughputPerMinute: Int
    public var paused: [String]
    /// Each queue holding jobs: its jobs by state (states with none left out).
    public var queues: [String: [String: Int]]
    public var workers: Workers
    public var memory: MemoryBudgetStats

    enum CodingKeys: String, CodingKey, CaseIterable {
        case queued, scheduled, waiting, running, completed, failed, cancelled, total, oldestQueuedAge, oldestRunningAge
        case throughputPerMinute, paused, queues, workers, memory
    }

    // Ages are `null` (not missing) when there is no such job.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        for (key, value) in [(CodingKeys.queued, queued), (.scheduled, scheduled), (.waiting, waiting), (.running, running), (.completed, completed), (.failed, failed), (.cancelled, cancelled), (.total, total)] {
            try c.encode(value, forKey: key)
        }
        try c.encode(oldestQueuedAge, forKey: .oldestQueuedAge)
        try c.encode(oldestRunningAge, forKey: .oldestRunningAge)
        try c.encode(throughputPerMinute, forKey: .throughputPerMinute)
        try c.encode(paused, forKey: .paused)
        try c.encode(queues, forKey: .queues)
        try c.encode(workers, forKey: .workers)
        try c.encode(memory, forKey: .memory)
    }

    /// The counts from a store's `stats` as of `now`.
    public init(stats: StoreStats, paused: Set<String>, workers: Workers, memory: MemoryBudgetStats, now: Date) {
        queued = stats.count(.queued)
        scheduled = stats.count(.scheduled)
        waiting = stats.count(.waiting)
        running = stats.count(.running)
        completed = stats.count(.completed)
        failed = stats.count(.failed)
        cancelled = stats.count(.cancelled)
        total = stats.total
        oldestQueuedAge = stats.oldestQueuedAt.map { max(0, (now.timeIntervalSince($0) * 1000).rounded() / 1000) }
        oldestRunningAge = stats.oldestRunningStartedAt.map { max(0, (now.timeIntervalSince($0) * 1000).rounded() / 1000) }
        throughputPerMinute = stats.finishedLastMinute
        self.paused = paused.sorted()
        queues = stats.byQueue.mapValues { counts in Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) }) }
        self.workers = workers
        self.memory = memory
    }
}
