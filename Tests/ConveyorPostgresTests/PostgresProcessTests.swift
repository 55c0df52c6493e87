import Conveyor
import ConveyorPostgres
import ConveyorPostgresConnection
import Foundation
import TestSupport
import Testing

/// Many processes, one database, as operators run it: `conveyor worker` processes sharing the
/// work, one killed with SIGKILL, the database restarted under them. The test process enqueues
/// and watches, as the API server would.
@Suite("Postgres store: real processes")
struct PostgresProcessTests {
    func worker(_ url: String, lease: Duration = .seconds(30), logLevel: String = "warning") throws -> ProductProcess {
        try ProductProcess(
            "conveyor", ["worker", "--store", url, "--workers", "8"],
            environment: ["CONVEYOR_LEASE": DurationText.format(lease), "CONVEYOR_LOG_LEVEL": logLevel])
    }

    /// Whether `process` holds `job`: a worker's id is `host-pid-random`.
    func isHeld(_ job: Job, by process: ProductProcess) -> Bool {
        job.lease?.workerID.split(separator: "-").dropLast().last == "\(process.process.processIdentifier)"
    }

    @Test("kill -9 mid-flow and mid-batch: every node ends in order, every callback exactly once")
    func crashMidFlowAndBatch() async throws {
        guard let url = try await PostgresTestServer.freshDatabase() else { return }
        let store = try await PostgresJobStore.connect(PostgresStoreOptions(url: url))
        try await OrchestrationCrash.run(store, storeURL: url)
        try await store.close()
    }

    @Test("two worker processes: a diamond and a fan-in of 500 run in dependency order; a failure cancels what is below it")
    func dependencyOrderAcrossProcesses() async throws {
        guard let url = try await PostgresTestServer.freshDatabase() else { return }
        let store = try await PostgresJobStore.connect(PostgresStoreOptions(url: url))
        try await OrchestrationOrder.runWithWorkers(store, storeURL: url)
        try await store.close()
    }

    @Test("two workers share the work; one killed with SIGKILL loses nothing and its jobs re-run within a few lease lengths")
    func killedWorker() async throws {
        guard let url = try await PostgresTestServer.freshDatabase() else { return }
        let store = try await PostgresJobStore.connect(PostgresStoreOptions(url: url))
        let total = 320
        let enqueued = try await store.enqueue(NewJob.sleeps(total, ms: 300), limits: .none)
        let lease = Duration.seconds(2)
        let victim = try worker(url, lease: lease)
        // At info level, so a survivor that fails to stop shows how far its shutdown got.
        let survivor = try worker(url, lease: lease, logLevel: "info")

        try await waitUntil("both workers hold jobs, some completed and plenty still queued") {
            let running = try await store.jobs(matching: JobFilter(status: .running, limit: 1000)).jobs
            let stats = try await store.stats(now: Date())
            return running.contains { isHeld($0, by: victim) } && running.contains { isHeld($0, by: survivor) }
                && stats.count(.completed) >= 20 && stats.count(.queued) >= 64
        }
        victim.kill(SIGKILL)
        #expect(try await victim.finish().status == SIGKILL)
        let killedAt = ContinuousClock.now
        // A statement the victim sent just before dying still runs to its end: only once the
        // server has closed all its sessions is what it held final.
        let sessions = "SELECT count(*)::text FROM pg_stat_activity WHERE application_name = 'conveyor[\(victim.process.processIdentifier)]'"
        try await waitUntil("the server closed the killed worker's sessions") {
            try await PostgresTestServer.rows(sessions, on: url) == [["0"]]
        }
        let interrupted = Set(try await store.jobs(matching: JobFilter(status: .running, limit: 1000)).jobs.filter { isHeld($0, by: victim) }.map(\.id))
        #expect(!interrupted.isEmpty, "the killed worker held no jobs")
        try await waitUntil("the killed worker's jobs ran again and completed") {
            for id in interrupted where try await store.job(id)?.status != .completed { return false }
            return true
        }
        let recovery = ContinuousClock.now - killedAt
        try await waitUntil("every job completed") { try await store.stats(now: Date()).count(.completed) == total }
        survivor.kill(SIGTERM)
        #expect(try await survivor.finish().status == 0)

        #expect(recovery < lease * 6, "interrupted jobs took \(recovery) to run again with a \(lease) lease")
        var ranTwice: Set<JobID> = []
        for result in enqueued {
            let job = try #require(try await store.job(result.job.id))
            #expect(job.status == .completed)
            #expect((1...2).contains(job.attempts))
            if job.attempts == 2 { ranTwice.insert(job.id) }
        }
        // At-least-once: every job the victim held ran a second time. Others did not, but for a
        // lease that lapsed before the read above: the victim's 8 slots bound them all.
        #expect(interrupted.isSubset(of: ranTwice), "held by the killed worker but ran once: \(interrupted.subtracting(ranTwice))")
        #expect(ranTwice.count <= 8, "\(ranTwice.count) jobs ran twice; the killed worker had 8 slots")
        try await store.close()
    }

    @Test("PostgreSQL restarted mid-run: the workers reconnect and every job completes")
    func databaseRestart() async throws {
        // A private server: restarting the shared one would cut the other tests' connections.
        guard try PostgresTestServer.sharedURL() != nil else { return }
        let server = try await PostgresTestServer.start()
        let url = server.url
        let store = try await PostgresJobStore.connect(PostgresStoreOptions(url: url))
        let total = 120
        let enqueued = try await store.enqueue(NewJob.sleeps(total, ms: 250), limits: .none)
        let lease = Duration.seconds(5)
        // At info level, so a worker that fails to stop shows how far its shutdown got.
        let workers = try [worker(url, lease: lease, logLevel: "info"), worker(url, lease: lease, logLevel: "info")]
        try await waitUntil("some jobs completed") { try await store.stats(now: Date()).count(.completed) >= 15 }

        try await server.restart()

        try await waitUntil("every job completed after the restart") {
            // The test's own store reconnects like the workers do; a failed poll just tries again.
            (try? await store.stats(now: Date()).count(.completed)) == total
        }
        for process in workers { process.kill(SIGTERM) }
        for process in workers { #expect(try await process.finish().status == 0) }
        for result in enqueued {
            let job = try #require(try await store.job(result.job.id))
            #expect(job.status == .completed)
        }
        try await store.close()
        await server.stop()
    }

    @Test("migrate reports what it applied and never prints the password; a bad URL or password stops it with one line")
    func migrateCommand() async throws {
        guard let url = try await PostgresTestServer.freshDatabase() else { return }
        let password = try #require(try PostgresStoreOptions(url: url).password)
        let first = try await ProductProcess("conveyor", ["migrate", "--store", url]).finish()
        #expect(first.status == 0)
        #expect(first.stdout.contains("applied v1-jobs, v2-self-counting-statements, v3-dedup-per-owner, v4-error-codes-and-sequence, v5-event-listeners, v6-workers, v7-attempt-failures, v8-dependencies, v9-batches, v10-steps"))
        let again = try await ProductProcess("conveyor", ["migrate", "--store", url]).finish()
        #expect(again.stdout.contains("schema is current (v10-steps)"))
        let wrong = url.replacingOccurrences(of: password, with: "wrong-\(password)")
        let refused = try await ProductProcess("conveyor", ["migrate", "--store", wrong]).finish()
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("password authentication failed"))
        let badURL = try await ProductProcess("conveyor", ["migrate", "--store", url + "&pool=3"]).finish()
        #expect(badURL.status != 0)
        #expect(badURL.stderr.contains("unknown postgres URL parameter 'pool'"))
        for output in [first, again, refused, badURL] {
            #expect(!(output.stdout + output.stderr).contains(password))
        }
    }
}

/// `conveyor serve` and `conveyor worker` on one PostgreSQL, as separate processes.
@Suite("Postgres store: a server and a worker")
struct PostgresServeTests {
    @Test("the server's WebSocket shows the progress and outcome of a job a worker process runs")
    func remoteProgress() async throws {
        guard let url = try await PostgresTestServer.freshDatabase() else { return }
        let secret = "pg-serve-secret-0123456789abcdef-0123456789"
        let token = try await ProductProcess.run("conveyor", ["token", "--user", "ops", "--admin"], environment: ["CONVEYOR_JWT_SECRET": secret])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let server = try await ServeProcess.start(["--store", url, "--no-workers"], environment: ["CONVEYOR_JWT_SECRET": secret], token: token)
        defer { server.process.kill(SIGKILL) }
        let worker = try ProductProcess("conveyor", ["worker", "--store", url, "--workers", "2"], environment: ["CONVEYOR_LOG_LEVEL": "warning"])
        defer { worker.kill(SIGKILL) }

        // Connected before the job exists, and a job long enough that a loaded machine still
        // subscribes while it runs.
        let socket = WebSocketProbe(url: server.webSocketURL)
        defer { socket.close() }
        let enqueued = try await ProductProcess.run(
            "conveyor", ["enqueue", "sleep", "--payload", #"{"ms":4000}"#], environment: ["CONVEYOR_URL": server.url, "CONVEYOR_TOKEN": token])
        let id = try #require(enqueued.stdout.firstMatch(of: /[0-9a-f-]{36}/)).0
        socket.send(#"{"type":"subscribe","topic":"job","jobId":"\#(id)"}"#)
        let finished = try await socket.next(timeout: .seconds(30)) { $0["type"] as? String == "job:finished" }
        #expect(finished["status"] as? String == "completed")
        let progress = socket.messages.filter { $0["type"] as? String == "job:progress" }.compactMap { $0["progress"] as? Double }
        #expect(progress.count >= 3, "the worker's reports reached the server by NOTIFY: \(progress)")
        #expect(progress == progress.sorted())
    }
}
