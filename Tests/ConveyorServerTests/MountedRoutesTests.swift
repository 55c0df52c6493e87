import Conveyor
import ConveyorDiagnostics
import ConveyorServer
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Testing

/// ConveyorServer as a library: its routes mounted on a user's own Hummingbird router, beside
/// the user's routes, with its middleware kept to its own routes.
@Suite("ConveyorServer mounted in your own application")
struct MountedRoutesTests {
    @Test("the contract's routes work on a user's router; the user's own routes keep their answers and need no token")
    func mounted() async throws {
        var logger = Logger(label: "test.mounted")
        logger.logLevel = .warning
        let metrics = ConveyorMetrics()
        let runtime = try ConveyorRuntime(
            store: MemoryJobStore(), plugins: [DiagnosticsPlugin()], configuration: RuntimeConfiguration(concurrency: 2, pollInterval: .milliseconds(20)),
            middleware: [metrics.jobs], logger: logger)
        let tokens = try await TokenAuthority(secret: TestServer.secret)
        let server = try ConveyorServer(runtime: runtime, tokens: tokens, metrics: metrics, logger: logger)

        let router = Router(context: ServerContext.self)
        router.get("hello") { _, _ in "hello from the app" }
        server.addRoutes(to: router)
        let (ports, found) = AsyncStream.makeStream(of: Int.self)
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { found.yield($0.localAddress?.port ?? 0) }, logger: logger)
        let group = ServiceGroup(services: [application] + server.backgroundServices(runWorkers: true), logger: logger)
        let running = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        let base = "http://127.0.0.1:\(try #require(await iterator.next()))"
        let alice = try await tokens.token(user: "alice", admin: false, ttl: .seconds(600))

        let hello = try await TestServer.request(base, "GET", "/hello")
        #expect(hello.status == 200 && String(decoding: hello.data, as: UTF8.self) == "hello from the app")
        #expect(hello.headers["Content-Security-Policy"] == nil, "the dashboard's policy stays on the dashboard")
        #expect(try await TestServer.request(base, "GET", "/api/jobs").status == 401)
        let created = try await TestServer.request(base, "POST", "/api/jobs", token: alice, body: ["type": "noop", "payload": [:] as [String: Any]])
        #expect(created.status == 201)
        let id = try #require(created.json["id"] as? String)
        var status = ""
        for _ in 0..<200 where status != "completed" {
            status = try await TestServer.request(base, "GET", "/api/jobs/\(id)", token: alice).json["status"] as? String ?? ""
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(status == "completed")
        let scrape = String(decoding: try await TestServer.request(base, "GET", "/metrics").data, as: UTF8.self)
        #expect(scrape.contains(#"conveyor_jobs_finished_total{type="noop",queue="default",status="completed"} 1"#))
        await group.triggerGracefulShutdown()
        try await running.value
    }
}
