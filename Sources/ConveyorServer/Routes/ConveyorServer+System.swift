import Conveyor
import ConveyorAPI
import Foundation
import Hummingbird

extension ConveyorServer {
    /// Open routes: health, metrics, the dashboard and the OpenAPI document.
    func addSystemRoutes(to router: some RouterMethods<ServerContext>) {
        MonitorRoutes(runtime: runtime, metrics: metrics, role: "server", draining: { [weak self] in self?.isDraining ?? true })
            .addRoutes(to: router)
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
        router.get("/") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: DashboardPage.html)))
        }
    }

    /// `/api/memory` and `/api/handlers`: what this process has and can run; `/api/workers`:
    /// every worker process sharing the store.
    func addInfoRoutes(to api: RouterGroup<ServerContext>) {
        api.get("memory") { _, _ in try JSONBody.response(self.runtime.memory.stats) }
        api.get("handlers") { _, _ in try JSONBody.response(["handlers": self.runtime.registry.descriptions]) }
        api.get("workers") { _, context in
            _ = try context.requireIdentity()
            return try JSONBody.response(WorkerListResource(workers: try await self.runtime.liveWorkers().map(WorkerResource.init)))
        }
    }
}
