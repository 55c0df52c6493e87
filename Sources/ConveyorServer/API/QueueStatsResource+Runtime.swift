import Conveyor
import ConveyorAPI
import Foundation

extension QueueStatsResource {
    /// The runtime's store as it is now, with the workers of every process sharing it.
    static func current(_ runtime: ConveyorRuntime) async throws -> QueueStatsResource {
        let now = Date()
        async let stats = runtime.store.stats(now: now)
        async let paused = runtime.store.pausedQueues()
        async let workers = runtime.liveWorkers()
        let live = try await workers
        return QueueStatsResource(
            stats: try await stats, paused: try await paused,
            workers: .init(active: live.reduce(0) { $0 + $1.running }, max: live.reduce(0) { $0 + $1.concurrency }),
            memory: runtime.memory.stats, now: now)
    }
}
