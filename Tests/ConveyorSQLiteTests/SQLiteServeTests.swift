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

    @Test("a worker process's progress reaches the server's /ws and enqueue --wait, in order, while the job runs")
    func remoteProgress() async throws {
        let directory = try TemporaryDirectory("conveyor-serve")
        defer { try? FileManager.default.removeItem(at: directory.url) }
        let store = "sqlite:" + directory.path("jobs.db")
        let server = try await ServeProcess.start(["--store", store, "--no-workers"])
        defer { server.process.kill(SIGKILL) }
        let worker = try ProductProcess("conveyor", ["worker", "--store", store, "--workers", "2"], environment: ["CONVEYOR_LOG_LEVEL": "warning"])
        defer { worker.kill(SIGKILL) }

        let socket = WebSocketProbe(url: server.webSocketURL)
        defer { socket.close() }
        let client = ["CONVEYOR_URL": server.url, "CONVEYOR_TOKEN": server.token]
        let id = try await ProductProcess.run("conveyor", ["enqueue", "sleep", "--payload", #"{"ms":2000}"#, "-q"], environment: client)
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        socket.send(#"{"type":"subscribe","topic":"job","jobId":"\#(id)"}"#)
        _ = try await socket.next(timeout: .seconds(30)) { $0["type"] as? String == "job:finished" }
        let percents = socket.messages.filter { $0["type"] as? String == "job:progress" }.compactMap { $0["progress"] as? Double }
        #expect(percents.count >= 5, "progress of the worker's job came over /ws: \(percents)")
        #expect(percents == percents.sorted(), "in order: \(percents)")

        let waited = try await ProductProcess.run("conveyor", ["enqueue", "sleep", "--payload", #"{"ms":1500}"#, "--wait"], environment: client)
        #expect(waited.status == 0)
        let bars = waited.stderr.split(separator: "\n").filter { $0.contains("%") && $0.contains("Slept") }
        #expect(bars.count >= 5, "the --wait bar moved: \(waited.stderr)")
    }
}

/// What an operator reads in a `conveyor worker`'s log for each job it runs.
@Suite("conveyor worker: the job lifecycle in its log")
struct WorkerLogTests {
    @Test("start, retry with its delay and reason, completion and permanent failure are logged at info")
    func lifecycleLines() async throws {
        let directory = try TemporaryDirectory("conveyor-worker-log")
        defer { try? FileManager.default.removeItem(at: directory.url) }
        let store = "sqlite:" + directory.path("jobs.db")
        let server = try await ServeProcess.start(["--store", store, "--no-workers"])
        defer { server.process.kill(SIGKILL) }
        let worker = try ProductProcess("conveyor", ["worker", "--store", store, "--workers", "2"], environment: ["CONVEYOR_LOG_LEVEL": "info"])
        defer { worker.kill(SIGKILL) }
        let client = ["CONVEYOR_URL": server.url, "CONVEYOR_TOKEN": server.token]
        let retried = try await ProductProcess.run("conveyor", ["enqueue", "flaky", "--payload", #"{"failTimes":1}"#, "--wait", "-q"], environment: client)
        #expect(retried.status == 0, "\(retried.stderr)")
        let failed = try await ProductProcess.run(
            "conveyor", ["enqueue", "flaky", "--payload", #"{"failTimes":1,"permanent":true}"#, "--wait", "-q"], environment: client)
        #expect(failed.status == 1)
        try await waitUntil("the worker logged the failure", limit: .seconds(30)) { worker.outputSoFar.contains("Job failed after 1 attempt") }
        let log = worker.outputSoFar
        for line in [
            "Job started (attempt 1 of 5)", "Job attempt 1 of 5 failed; retrying in", "Failing on purpose: attempt 1 of the first 1",
            "Job started (attempt 2 of 5)", "Job completed in", "Job failed after 1 attempt: Failing on purpose",
        ] {
            #expect(log.contains(line), "missing '\(line)' in the worker's log:\n\(log)")
        }
        #expect(log.contains("job.type=flaky"))
    }
}
