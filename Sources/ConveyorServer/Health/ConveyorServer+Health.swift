import Conveyor
import Foundation

extension ConveyorServer {
    /// Checks the store (one stats read, at most 2 s), draining, and the memory budget.
    func health() async -> HealthReport {
        var checks: [String: HealthReport.Check] = [:]
        do {
            try await withDeadline(.seconds(2)) { _ = try await self.runtime.store.stats(now: Date()) }
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

    /// Runs `body`, or throws once `limit` has passed: a store that hangs must not hang the probe.
    private func withDeadline(_ limit: Duration, _ body: @escaping @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                throw ConveyorError(.storeUnavailable, "no answer within \(DurationText.format(limit))")
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }
}
