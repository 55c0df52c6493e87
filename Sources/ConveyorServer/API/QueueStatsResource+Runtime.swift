import Conveyor
import ConveyorAPI
import Foundation

extension QueueStatsResource {
    /// The runtime's store and process as they are now.
    static func current(_ runtime: ConveyorRuntime) async throws -> QueueStatsResource {
        let now = Date()
        async let stats = runtime.store.stats(now: now)
        async let paused = runtime.store.pausedQueues()
        return QueueStatsResource(
            stats: try await stats, paused: try await paused,
            workers: .init(active: runtime.activeJobCount, max: runtime.configuration.concurrency), memory: runtime.memory.stats, now: now)
    }
}
