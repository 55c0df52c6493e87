import Conveyor
import Foundation

/// `GET /api/queues/stats` and the WebSocket's `queue:stats`: counts by state, ages, the
/// last minute's throughput, this process's workers and its memory budget.
struct QueueStatsResource: Encodable, Sendable, Equatable {
    struct Workers: Encodable, Sendable, Equatable {
        let active: Int
        let max: Int
    }

    let queued, scheduled, waiting, running, completed, failed, cancelled, total: Int
    /// Seconds since the oldest queued job became ready; `null` when none is queued.
    let oldestQueuedAge: Double?
    let oldestRunningAge: Double?
    let throughputPerMinute: Int
    let paused: [String]
    let workers: Workers
    let memory: MemoryBudgetStats

    enum CodingKeys: String, CodingKey {
        case queued, scheduled, waiting, running, completed, failed, cancelled, total, oldestQueuedAge, oldestRunningAge
        case throughputPerMinute, paused, workers, memory
    }

    // Ages are `null` (not missing) when there is no such job.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        for (key, value) in [(CodingKeys.queued, queued), (.scheduled, scheduled), (.waiting, waiting), (.running, running), (.completed, completed), (.failed, failed), (.cancelled, cancelled), (.total, total)] {
            try c.encode(value, forKey: key)
        }
        try c.encode(oldestQueuedAge, forKey: .oldestQueuedAge)
        try c.encode(oldestRunningAge, forKey: .oldestRunningAge)
        try c.encode(throughputPerMinute, forKey: .throughputPerMinute)
        try c.encode(paused, forKey: .paused)
        try c.encode(workers, forKey: .workers)
        try c.encode(memory, forKey: .memory)
    }

    /// The runtime's store and process as they are now.
    static func current(_ runtime: ConveyorRuntime) async throws -> QueueStatsResource {
        let now = Date()
        async let stats = runtime.store.stats(now: now)
        async let paused = runtime.store.pausedQueues()
        return QueueStatsResource(
            stats: try await stats, paused: try await paused,
            workers: .init(active: runtime.activeJobCount, max: runtime.configuration.concurrency), memory: runtime.memory.stats, now: now)
    }

    init(stats: StoreStats, paused: Set<String>, workers: Workers, memory: MemoryBudgetStats, now: Date) {
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
        self.workers = workers
        self.memory = memory
    }
}
