public import Conveyor
import Hummingbird
public import Logging
public import NIOCore
public import ServiceLifecycle

/// `/metrics` and `/health*` for a process that runs jobs but serves no API (`conveyor worker
/// --metrics-port P`), so Prometheus and orchestrators see workers as they see servers. A
/// `Service`: run it in the runtime's `ServiceGroup`; it stops listening at graceful shutdown.
public struct ConveyorMonitor: Service {
    let routes: MonitorRoutes
    let host: String
    let port: Int
    let logger: Logger
    let onServerRunning: @Sendable (any Channel) async -> Void

    public init(
        runtime: ConveyorRuntime, metrics: ConveyorMetrics, host: String = "0.0.0.0", port: Int, logger: Logger = Logger(label: "conveyor.monitor"),
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) {
        routes = MonitorRoutes(runtime: runtime, metrics: metrics, role: "worker", draining: { runtime.isDraining })
        self.host = host
        self.port = port
        self.logger = logger
        self.onServerRunning = onServerRunning
    }

    public func run() async throws {
        let router = Router()
        routes.addRoutes(to: router)
        let application = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "conveyor-worker"),
            onServerRunning: onServerRunning, logger: logger)
        try await application.run()
    }
}
