import Conveyor
import Foundation
import Hummingbird

extension ConveyorServer {
    /// Open routes: health, metrics, the dashboard and the OpenAPI document.
    func addSystemRoutes(to router: Router<ServerContext>) {
        router.get("health") { _, _ in
            let report = await self.health()
            return try JSONBody.response(report, status: report.status == .unhealthy ? .serviceUnavailable : .ok)
        }
        router.get("health/live") { _, _ in
            try JSONBody.response(HealthReport(checks: ["process": .init(status: .healthy, detail: "running")]))
        }
        router.get("health/ready") { _, _ in
            let report = await self.health()
            let ready = report.checks["store"]?.status == .healthy && !self.isDraining
            let status: HealthStatus = ready ? (report.status == .unhealthy ? .degraded : report.status) : .unhealthy
            return try JSONBody.response(HealthReport(checks: report.checks, status: status), status: ready ? .ok : .serviceUnavailable)
        }
        router.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: try await self.metrics.scrape())))
        }
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
        router.get("/") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: DashboardPage.html)))
        }
    }

    /// `/api/memory` and `/api/handlers`: what this process has and can run.
    func addInfoRoutes(to api: RouterGroup<ServerContext>) {
        api.get("memory") { _, _ in try JSONBody.response(self.runtime.memory.stats) }
        api.get("handlers") { _, _ in try JSONBody.response(["handlers": self.runtime.registry.descriptions]) }
    }
}
