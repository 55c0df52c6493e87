import Conveyor
import Foundation

/// What the bench modes share: filling the store while the workers are stopped, then timing them.
enum BenchRun {
    /// Enqueues `count` jobs of `type` with payload `{}`, a thousand per call.
    static func enqueue(_ count: Int, of type: String, into runtime: ConveyorRuntime) async throws {
        let requests = Array(repeating: JobRequest(type: type, payload: Data("{}".utf8)), count: min(count, 1000))
        var remaining = count
        while remaining > 0 {
            try await runtime.enqueue(Array(requests.prefix(remaining)))
            remaining -= min(remaining, 1000)
        }
    }

    /// Starts `runtime`'s workers and returns the seconds until the store has `count` more
    /// completed jobs than it had before the start (read off its counters every 20 ms).
    static func seconds(until count: Int, moreComplete runtime: ConveyorRuntime, before: Int) async throws -> Double {
        let start = ContinuousClock.now
        return try await runtime.withRunning {
            while try await runtime.store.stats(now: Date()).count(.completed) - before < count { try await Task.sleep(for: .milliseconds(20)) }
            return (ContinuousClock.now - start).seconds
        }
    }
}
