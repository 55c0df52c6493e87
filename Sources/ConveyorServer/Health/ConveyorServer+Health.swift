import Conveyor
import Foundation

extension ConveyorServer {
    /// Checks the store (a stats read and a one-job list, at most 2 s), draining, and the memory budget.
    func health() async -> HealthReport {
        var checks: [String: HealthReport.Check] = [:]
        do {
            // A store that hangs must not hang the probe: it answers within 2 s either way.
            let store = runtime.store
            // What the API reads: the counters and the jobs table itself.
            let read: @Sendable () async throws -> Void = {
                _ = try await store.stats(now: Date())
                _ = try await store.jobs(matching: JobFilter(limit: 1))
            }
            guard try await DeadlineRace.run(limit: .seconds(2), read) != nil else {
                throw ConveyorError(.storeUnavailable, "no answer within 2s")
            }
            checks["store"] = .init(status: .healthy, detail: "reachable")
        } catch {
            checks["store"] = .init(status: .unhealthy, detail: "not reachable: \(error)")
        }
        checks["server"] = isDraining
            ? .init(status: .unhealthy, detail: "shutting down: no new jobs accepted")
            : .init(status: .healthy, detail: "accepting jobs")
        let memory = runtime.memory.stats
        checks["memory"] = memory.utilization >= memory.warningThreshold
            ? .init(status: .degraded, detail: "\(memory.formatted.current) of \(memory.formatted.max) in use (≥ \(Int(memory.warningThreshold))%)")
            : .init(status: .healthy, detail: "\(memory.formatted.current) of \(memory.formatted.max) in use")
        return HealthReport(checks: checks)
    }
}
