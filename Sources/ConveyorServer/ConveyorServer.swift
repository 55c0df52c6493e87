public import Conveyor
import Foundation
public import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
public import Logging
import NIOCore
public import ServiceLifecycle
import Synchronization

/// The HTTP face of a runtime (DESIGN §5): REST, the `/ws` WebSocket, the dashboard, JWT auth,
/// `/metrics` and health. It adds no job logic of its own: every route is a runtime or store
/// call, so a server and a `conveyor worker` elsewhere see the same jobs.
///
/// Run it with ``services(runWorkers:onServerRunning:)`` in a `ServiceGroup`. SIGTERM then
/// answers new jobs with 503, lets running jobs drain, closes WebSockets with 1001 and stops.
public final class ConveyorServer: Sendable {
    /// The runtime every route calls: enqueue, cancel, retry, the store, the memory budget.
    public let runtime: ConveyorRuntime
    /// Where it listens and how it guards itself.
    public let configuration: ServerConfiguration
    let tokens: TokenAuthority
    let logger: Logger
    /// What `/metrics` shows; its ``ConveyorMetrics/jobs`` should be among the runtime's middleware.
    public let metrics: ConveyorMetrics
    let hub: WebSocketHub
    let rateLimiter: RateLimiter?
    /// Open HTTP and WebSocket connections, against `configuration.http.maxConnections`.
    let connections = ConnectionCount()
    private let shuttingDown = Atomic<Bool>(false)

    /// `metrics` records HTTP here and shows the runtime's job metrics when the runtime was built
    /// with `middleware: [metrics.jobs]` (a notice is logged when it was not). Throws
    /// `ConveyorError(.invalidConfiguration)` listing every bad setting.
    public init(
        runtime: ConveyorRuntime, tokens: TokenAuthority, configuration: ServerConfiguration = ServerConfiguration(),
        metrics: ConveyorMetrics = ConveyorMetrics(), logger: Logger = Logger(label: "conveyor.server")
    ) throws {
        let problems = configuration.problems
        guard problems.isEmpty else { throw ConveyorError(.invalidConfiguration, problems.joined(separator: "\n")) }
        self.runtime = runtime
        self.configuration = configuration
        self.tokens = tokens
        self.logger = logger
        self.metrics = metrics
        if !metrics.isRecording(runtime) {
            logger.notice("Job metrics are not recorded: build the runtime with middleware: [metrics.jobs] to see them on /metrics")
        }
        hub = WebSocketHub(runtime: runtime, tokens: tokens, logger: logger)
        rateLimiter = configuration.rateLimitPerSecond.map { RateLimiter(perSecond: $0) }
    }

    /// `true` once shutdown began: enqueues get 503 and `/health/ready` fails.
    public var isDraining: Bool { shuttingDown.load(ordering: .relaxed) || runtime.isDraining }

    func beginShutdown() { shuttingDown.store(true, ordering: .relaxed) }

    /// The Hummingbird application serving every route. `onServerRunning` learns the bound
    /// address (useful with port 0).
    public func application(onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = makeRouter()
        let webSocketResponder = router.buildResponder()
        let channelConfiguration = HTTP1WebSocketUpgradeChannel.Configuration(
            ws: .init(autoPing: .enabled(timePeriod: configuration.webSocketPingInterval), closeTimeout: .seconds(5)))
        let (limits, open) = (configuration.http, connections)
        return Application(
            router: router,
            server: HTTPServerBuilder { responder in
                GuardedChannel(
                    inner: HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: webSocketResponder, configuration: channelConfiguration),
                    limits: limits, open: open)
            },
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "conveyor"),
            onServerRunning: onServerRunning,
            logger: logger)
    }

    /// What a `ServiceGroup` runs, in start order: the HTTP server, the WebSocket hub and,
    /// with `runWorkers`, the runtime (without, a relay of other processes' events, so the
    /// WebSocket shows the progress of jobs that `conveyor worker`s run). Graceful shutdown goes the other way: workers drain
    /// first (the server still answers, with 503 for new jobs), then WebSockets close with
    /// 1001, then the listener stops.
    public func services(runWorkers: Bool, onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }) -> [any Service] {
        [application(onServerRunning: onServerRunning)] + backgroundServices(runWorkers: runWorkers)
    }

    /// What runs beside the HTTP server when the routes are mounted on your own application
    /// (``addRoutes(to:)``): the WebSocket hub, then the runtime (with `runWorkers`) or the relay
    /// of other processes' events. Put them in your `ServiceGroup` after your application.
    public func backgroundServices(runWorkers: Bool) -> [any Service] {
        [HubService(server: self), runWorkers ? runtime : EventRelayService(runtime: runtime)]
    }

    func makeRouter() -> Router<ServerContext> {
        // On the router itself, so requests no route matches get the same answers (404, 405
        // with Allow, security headers) as those that do.
        let router = Router(context: ServerContext.self)
        addMiddleware(to: router)
        addContractRoutes(to: router)
        return router
    }

    /// Mounts every route of the contract (the API under `/api`, `/ws`, `/health*`, `/metrics`,
    /// `/openapi.json`, the dashboard at `/`) on `router` — yours, in your own Hummingbird
    /// application — with this server's middleware (metrics, security headers, errors, auth on
    /// `/api`) scoped to them. `/ws` needs the application to be built with a WebSocket upgrade
    /// (`HTTP1WebSocketUpgradeChannel`, as ``application(onServerRunning:)`` does); and run
    /// ``services(runWorkers:onServerRunning:)``'s hub and runtime, or the runtime alone, beside it.
    public func addRoutes(to router: some RouterMethods<ServerContext>) {
        let group = router.group()
        addMiddleware(to: group)
        addContractRoutes(to: group)
    }

    private func addMiddleware(to router: some RouterMethods<ServerContext>) {
        _ = router.add(middleware: metrics.middleware)
        _ = router.add(middleware: SecurityHeadersMiddleware())
        _ = router.add(middleware: ErrorMiddleware())
        _ = router.add(middleware: UpgradeRequiredMiddleware())
    }

    private func addContractRoutes(to router: some RouterMethods<ServerContext>) {
        addSystemRoutes(to: router)
        addWebSocketRoute(to: router)
        let api = router.group("api")
        api.add(middleware: AuthMiddleware(tokens: tokens))
        if let rateLimiter { api.add(middleware: RateLimitMiddleware(limiter: rateLimiter)) }
        addJobRoutes(to: api)
        addFlowRoutes(to: api)
        addBatchRoutes(to: api)
        addQueueRoutes(to: api)
        addInfoRoutes(to: api)
        addDeadLetterRoutes(to: api)
    }
}
