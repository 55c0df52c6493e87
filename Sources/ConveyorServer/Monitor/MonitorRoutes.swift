public import Conveyor
import ConveyorAPI
import Foundation
public import Hummingbird

/// `/health`, `/health/live`, `/health/ready` and `/metrics` of a process running a runtime: the
/// API server mounts them, and so does a `conveyor worker --metrics-port` (``ConveyorMonitor``).
/// A value a user can add to their own Hummingbird router as well.
public struct MonitorRoutes: Sendable {
    let runtime: ConveyorRuntime
    let metrics: ConveyorMetrics
    /// What the process is, for the health check that says whether it takes work ("server", "worker").
    let role: String
    let draining: @Sendable () -> Bool

    /// `draining`: whether the process stopped taking work (then `/health/ready` fails).
    public init(runtime: ConveyorRuntime, metrics: ConveyorMetrics, role: String, draining: @escaping @Sendable () -> Bool) {
        self.runtime = runtime
        self.metrics = metrics
        self.role = role
        self.draining = draining
    }

    /// Adds the four routes, open (no token): probes and Prometheus scrape them.
    public func addRoutes<Context: RequestContext>(to router: some RouterMethods<Context>) {
        router.get("health") { _, _ in
            let report = await health()
            return try JSONBody.response(report, status: report.status == .unhealthy ? .serviceUnavailable : .ok)
        }
        router.get("health/live") { _, _ in
            try JSONBody.response(HealthReport(checks: ["process": .init(status: .healthy, detail: "running")]))
        }
        router.get("health/ready") { _, _ in
            let report = await health()
            let ready = report.checks["store"]?.status == .healthy && !draining()
            let status: HealthStatus = ready ? (report.status == .unhealthy ? .degraded : report.status) : .unhealthy
            return try JSONBody.response(HealthReport(checks: report.checks, status: status), status: ready ? .ok : .serviceUnavailable)
        }
        router.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: try await metrics.scrape(runtime))))
        }
    }

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
        checks[role] = draining()
            ? .init(status: .unhealthy, detail: "shutting down: no new jobs accepted")
            : .init(status: .healthy, detail: "accepting jobs")
        let memory = runtime.memory.stats
        checks["memory"] = memory.utilization >= memory.warningThreshold
            ? .init(status: .degraded, detail: "\(memory.formatted.current) of \(memory.formatted.max) in use (≥ \(Int(memory.warningThreshold))%)")
            : .init(status: .healthy, detail: "\(memory.formatted.current) of \(memory.formatted.max) in use")
        return HealthReport(checks: checks)
    }
}
