import Conveyor
import Foundation
import TestSupport
import Testing

/// `conveyor serve --no-workers` and `conveyor worker` on one SQLite file, as separate processes.
@Suite("SQLite store: a server and a worker")
struct SQLiteServeTests {
    @Test("the server's WebSocket tells the outcome of a job a worker process ran, through the store's change feed")
    func remoteOutcome() async throws {
        let directory = try TemporaryDirectory("conveyor-serve")
        defer { try? FileManager.default.removeItem(at: directory.url) }
        let store = "sqlite:" + directory.path("jobs.db")
        let secret = "sqlite-serve-secret-0123456789abcdef-012345"
        let token = try await ProductProcess.run("conveyor", ["token", "--user", "ops", "--admin"], environment: ["CONVEYOR_JWT_SECRET": secret])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let server = try await ServeProcess.start(["--store", store, "--no-workers"], environment: ["CONVEYOR_JWT_SECRET": secret], token: token)
        defer { server.process.kill(SIGKILL) }
        let worker = try ProductProcess("conveyor", ["worker", "--store", store, "--workers", "2"], environment: ["CONVEYOR_LOG_LEVEL": "warning"])
        defer { worker.kill(SIGKILL) }

        let socket = WebSocketProbe(url: server.webSocketURL)
        defer { socket.close() }
        let enqueued = try await ProductProcess.run(
            "conveyor", ["enqueue", "sleep", "--payload", #"{"ms":1500}"#], environment: ["CONVEYOR_URL": server.url, "CONVEYOR_TOKEN": token])
        let id = try #require(enqueued.stdout.firstMatch(of: /[0-9a-f-]{36}/)).0
        socket.send(#"{"type":"subscribe","topic":"job","jobId":"\#(id)"}"#)
        let finished = try await socket.next(timeout: .seconds(30)) { $0["type"] as? String == "job:finished" }
        #expect(finished["status"] as? String == "completed")
        #expect(finished["sequence"] as? Int == 3, "queued, running, completed: \(finished)")
        #expect(socket.messages.filter { $0["type"] as? String == "job:finished" }.count == 1)
    }
}
