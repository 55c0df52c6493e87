import Conveyor
import ConveyorDiagnostics
import ConveyorServer
import ConveyorTesting
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real server on a free loopback port over a memory store (or any store), with workers
/// running the diagnostics handlers, and tokens for alice, bob and an admin.
final class TestServer: Sendable {
    static let secret = "test-secret-0123456789abcdef-0123456789"
    let runtime: ConveyorRuntime
    let server: ConveyorServer
    let port: Int
    let alice: String
    let bob: String
    let admin: String
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// An answer: status, headers and the body as JSON (if it is JSON).
    struct Answer: @unchecked Sendable {
        let status: Int
        let headers: [String: String]
        let data: Data
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:] }
        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
        var errorMessage: String { (json["error"] as? [String: Any])?["message"] as? String ?? "" }
    }

    static func start(
        store: any JobStore = MemoryJobStore(), configuration: RuntimeConfiguration = RuntimeConfiguration(concurrency: 4, pollInterval: .milliseconds(50)),
        server serverConfiguration: ServerConfiguration = ServerConfiguration(port: 0), runWorkers: Bool = true,
        tokenPolicy: TokenPolicy = TokenPolicy(), plugins: [any ConveyorPlugin] = [DiagnosticsPlugin()]
    ) async throws -> TestServer {
        var logger = Logger(label: "test.server")
        logger.logLevel = .warning
        let metrics = ConveyorMetrics()
        let runtime = try ConveyorRuntime(
            store: store, plugins: plugins, configuration: configuration, middleware: [metrics.jobs], logger: logger)
        let tokens = try await TokenAuthority(secret: secret, policy: tokenPolicy)
        let server = try ConveyorServer(runtime: runtime, tokens: tokens, configuration: serverConfiguration, metrics: metrics, logger: logger)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let services = server.services(runWorkers: runWorkers) { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
            continuation.finish()
        }
        let group = ServiceGroup(configuration: .init(services: services.map { .init(service: $0) }, logger: logger))
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TestServerError("The server did not start") }
        return TestServer(
            runtime: runtime, server: server, port: port, group: group, task: task,
            alice: try await tokens.token(user: "alice", admin: false, ttl: .seconds(3600)),
            bob: try await tokens.token(user: "bob", admin: false, ttl: .seconds(3600)),
            admin: try await tokens.token(user: "root", admin: true, ttl: .seconds(3600)))
    }

    private init(runtime: ConveyorRuntime, server: ConveyorServer, port: Int, group: ServiceGroup, task: Task<Void, any Error>, alice: String, bob: String, admin: String) {
        self.runtime = runtime
        self.server = server
        self.port = port
        self.group = group
        self.task = task
        self.alice = alice
        self.bob = bob
        self.admin = admin
    }

    var base: String { "http://127.0.0.1:\(port)" }

    /// Graceful shutdown, as SIGTERM would; waits until every service stopped.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }

    /// `method path` with an optional bearer token and JSON body (a string is sent as is).
    func request(_ method: String, _ path: String, token: String? = nil, body: Any? = nil, headers: [String: String] = [:]) async throws -> Answer {
        try await Self.request(base, method, path, token: token, body: body, headers: headers)
    }

    /// The same against any server at `base` (a `conveyor serve` process).
    static func request(
        _ base: String, _ method: String, _ path: String, token: String? = nil, body: Any? = nil, headers: [String: String] = [:]
    ) async throws -> Answer {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try (body as? Data) ?? (body as? String).map { Data($0.utf8) } ?? JSONSerialization.data(withJSONObject: body)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (key, value) in http.allHeaderFields { fields[String(describing: key).lowercased()] = String(describing: value) }
        return Answer(status: http.statusCode, headers: fields, data: data)
    }

    /// Enqueues through the API as `token` and returns the job's id.
    func enqueue(_ body: [String: Any], as token: String) async throws -> String {
        let answer = try await request("POST", "/api/jobs", token: token, body: body)
        guard answer.status == 201, let id = answer.json["id"] as? String else {
            throw TestServerError("enqueue failed: \(answer.status) \(String(decoding: answer.data, as: UTF8.self))")
        }
        return id
    }

    /// Polls the job until `condition` holds (at most `timeout`).
    func waitForJob(_ id: String, timeout: Duration = .seconds(20), until condition: ([String: Any]) -> Bool) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let job = try await request("GET", "/api/jobs/\(id)", token: admin).json
            if condition(job) { return job }
            guard ContinuousClock.now < deadline else { throw TestServerError("job \(id) never reached the condition: \(job)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

struct TestServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
