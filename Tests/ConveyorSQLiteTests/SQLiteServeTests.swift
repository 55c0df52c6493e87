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

/// What an operator sees of the worker processes on one SQLite file.
@Suite("SQLite store: the workers view")
struct WorkersViewTests {
    @Test("GET /api/workers and conveyor workers list every worker process; stats count their capacity; a stopped one leaves")
    func workersAcrossProcesses() async throws {
        let directory = try TemporaryDirectory("conveyor-workers")
        defer { try? FileManager.default.removeItem(at: directory.url) }
        let store = "sqlite:" + directory.path("jobs.db")
        let server = try await ServeProcess.start(["--store", store, "--no-workers"])
        defer { server.process.kill(SIGKILL) }
        let first = try ProductProcess("conveyor", ["worker", "--store", store, "--workers", "3"], environment: ["CONVEYOR_LOG_LEVEL": "warning"])
        defer { first.kill(SIGKILL) }
        let second = try ProductProcess(
            "conveyor", ["worker", "--store", store, "--workers", "5", "--queues", "images,mail"], environment: ["CONVEYOR_LOG_LEVEL": "warning"])
        defer { second.kill(SIGKILL) }
        let client = ["CONVEYOR_URL": server.url, "CONVEYOR_TOKEN": server.token]
        var listed: [[String: Any]] = []
        try await waitUntil("both workers are listed", limit: .seconds(30)) {
            let output = try await ProductProcess.run("conveyor", ["workers", "--json"], environment: client)
            listed = (try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])?["workers"] as? [[String: Any]] ?? []
            return listed.count == 2
        }
        #expect(Set(listed.compactMap { $0["pid"] as? Int }) == [Int(first.process.processIdentifier), Int(second.process.processIdentifier)])
        let mail = try #require(listed.first { $0["concurrency"] as? Int == 5 })
        #expect(mail["queues"] as? [String] == ["images", "mail"] && mail["status"] as? String == "idle")
        let stats = try await ProductProcess.run("conveyor", ["status", "--json"], environment: client)
        let workers = (try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any])?["workers"] as? [String: Any]
        #expect(workers?["max"] as? Int == 8, "the stats count every worker process: \(stats.stdout)")

        first.kill(SIGTERM)
        _ = try await first.finish()
        let left = try await ProductProcess.run("conveyor", ["workers", "-q"], environment: client)
        #expect(left.stdout.split(separator: "\n").count == 1, "a worker that stopped is off the list at once: \(left.stdout)")
    }
}
