import Conveyor
import ConveyorDiagnostics
import ConveyorPostgres
import ConveyorPostgresConnection
import ConveyorTesting
import Foundation
import Logging
import PostgresNIO
import Synchronization
import TestSupport
import Testing

/// What the conformance suite cannot see: nodes migrating together, a database from a newer
/// build, wake-ups through LISTEN/NOTIFY, and errors that never show the password.
@Suite("Postgres store")
struct PostgresStoreTests {
    /// A fresh database, or `nil` when plain `swift test` skips PostgreSQL.
    func database() async throws -> String? {
        try await PostgresTestServer.freshDatabase()
    }

    @Test("nodes starting together take turns migrating: one applies the schema, all open it")
    func concurrentMigrations() async throws {
        guard let url = try await database() else { return }
        let stores = try await withThrowingTaskGroup(of: PostgresJobStore.self) { group in
            for _ in 0..<4 { group.addTask { try await PostgresJobStore.connect(PostgresStoreOptions(url: url)) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(stores.filter { !$0.appliedMigrations.isEmpty }.count == 1)
        #expect(stores.allSatisfy { $0.schemaVersion == "v10-steps" })
        for store in stores { try await store.close() }
    }

    @Test("a schema written by a newer build is refused, naming the migration, and left as it was")
    func newerSchema() async throws {
        guard let url = try await database() else { return }
        let store = try await PostgresJobStore.connect(PostgresStoreOptions(url: url))
        _ = try await store.enqueue([NewJob(type: "noop", payload: Data("{}".utf8))], limits: .none)
        try await store.close()
        try await PostgresTestServer.execute("INSERT INTO conveyor_migrations (version) VALUES ('v99-from-the-future')", on: url)
        let error = await #expect(throws: ConveyorError.self) { try await PostgresJobStore.connect(PostgresStoreOptions(url: url)) }
        #expect(error?.code == .storeUnavailable)
        #expect(error?.message.contains("v99-from-the-future") == true)
        #expect(error?.message.contains("newer Conveyor") == true)
    }

    @Test("connection problems are one line naming the server and the cause, never the password")
    func connectionErrors() async throws {
        guard let url = try PostgresTestServer.sharedURL() else { return }
        let good = try PostgresStoreOptions(url: url)
        var wrongPassword = good
        wrongPassword.password = "not-the-password-xyzzy"
        var noDatabase = good
        noDatabase.database = "no_such_database"
        var closedPort = good
        closedPort.port = 1
        for (options, cause) in [(wrongPassword, "password authentication failed"), (noDatabase, "does not exist"), (closedPort, "cannot connect")] {
            let error = await #expect(throws: ConveyorError.self) {
                try await PostgresJobStore.connect(options, requestTimeout: .seconds(10))
            }
            let message = error?.message ?? ""
            #expect(message.contains(cause), "\(message)")
            #expect(message.contains("\(options.host):\(options.port)"))
            #expect(!message.contains("not-the-password-xyzzy") && !message.contains(good.password ?? "-"))
        }
    }

    /// A runtime that polls only every 60 s, so a prompt start can only come from a wake-up.
    func idleRuntime(_ store: PostgresJobStore) throws -> ConveyorRuntime {
        try ConveyorRuntime(
            store: store, plugins: [DiagnosticsPlugin()],
            configuration: RuntimeConfiguration(concurrency: 4, pollInterval: .seconds(60)))
    }

    @Test("a job enqueued by another node wakes an idle worker through LISTEN/NOTIFY")
    func notifyWakesWorkers() async throws {
        guard let url = try await database() else { return }
        let worker = try await PostgresJobStore.connect(PostgresStoreOptions(url: url))
        let enqueuer = try await PostgresJobStore.connect(PostgresStoreOptions(url: url))
        let runtime = try idleRuntime(worker)
        try await runtime.withRunning {
            // Let the first poll pass, so what follows is only woken by NOTIFY.
            try await Task.sleep(for: .milliseconds(500))
            let events = runtime.events()
            let job = NewJob(type: "noop", payload: Data("{}".utf8))
            _ = try await enqueuer.enqueue([job], limits: .none)
            let started = ContinuousClock.now
            for await event in events {
                if case .stateChanged(let change) = event, change.jobID == job.id, change.status == .completed { break }
            }
            // Far below the 60 s poll: only the notification can explain it.
            #expect(ContinuousClock.now - started < .seconds(30))
        }
        try await worker.close()
        try await enqueuer.close()
    }

    @Test("with notify=off (PgBouncer transaction pooling) workers find work by polling")
    func pollingWithoutNotify() async throws {
        guard let url = try await database() else { return }
        let options = try PostgresStoreOptions(url: url + "&notify=off")
        let worker = try await PostgresJobStore.connect(options)
        let enqueuer = try await PostgresJobStore.connect(options)
        let runtime = try ConveyorRuntime(
            store: worker, plugins: [DiagnosticsPlugin()], configuration: RuntimeConfiguration(concurrency: 4, pollInterval: .milliseconds(200)))
        try await runtime.withRunning {
            let jobs = (0..<5).map { _ in NewJob(type: "noop", payload: Data("{}".utf8)) }
            _ = try await enqueuer.enqueue(jobs, limits: .none)
            for job in jobs {
                while try await enqueuer.job(job.id)?.status != .completed { try await Task.sleep(for: .milliseconds(50)) }
            }
        }
        try await worker.close()
        try await enqueuer.close()
    }

    @Test("a worker's turn counts its own moves; other statements, and those of a node on the previous build, are counted by the trigger")
    func countersDuringRollingUpgrade() async throws {
        guard let url = try await database() else { return }
        let store = try await PostgresJobStore.connect(PostgresStoreOptions(url: url + "&connections=1"))
        let jobs = (0..<3).map { _ in NewJob(type: "noop", payload: Data("{}".utf8)) }
        _ = try await store.enqueue(jobs, limits: .none)
        // An old node claims the first job with v1's kind of statement (no counting of its own).
        try await PostgresTestServer.execute("""
            UPDATE conveyor_jobs SET state = 'running', attempts = 1, started_at = now(), lease_owner = 'old-node',
                lease_expires_at = now() + interval '1 minute' WHERE id = '\(jobs[0].id.uuid)'
            """, on: url)
        // This build's turn settles that job for the old node and claims the second.
        let now = Date()
        let (applied, claimed) = try await store.complete(
            [JobOutcome(jobID: jobs[0].id, workerID: "old-node", resolution: .completed(result: Data("{}".utf8)))],
            andClaim: ClaimRequest(workerID: "new-node", queues: nil, limit: 1, priorityOrder: JobPriority.allCases, now: now,
                                   leaseExpiresAt: now.addingTimeInterval(60)))
        #expect(applied == [jobs[0].id] && claimed.map(\.id) == [jobs[1].id])
        // The same (only) connection then cancels the third: the turn's setting did not outlive it.
        _ = try await store.cancel(jobs[2].id, now: Date())
        // The old node finishes the second job.
        try await PostgresTestServer.execute(
            "UPDATE conveyor_jobs SET state = 'completed', finished_at = now() WHERE id = '\(jobs[1].id.uuid)'", on: url)
        let stats = try await store.stats(now: Date())
        let actual = try await PostgresTestServer.rows("SELECT state, count(*)::text FROM conveyor_jobs GROUP BY state", on: url)
        #expect(stats.counts == Dictionary(uniqueKeysWithValues: actual.map { (JobStatus(rawValue: $0[0]!)!, Int($0[1]!)!) }))
        #expect(stats.count(.completed) == 2 && stats.count(.cancelled) == 1 && stats.count(.running) == 0 && stats.count(.queued) == 0)
        #expect(stats.finishedLastMinute == 2)
        try await store.close()
    }

    @Test("a batch racing another node for the same dedup key gets that node's job, never two")
    func dedupRace() async throws {
        guard let url = try await database() else { return }
        let stores = try await withThrowingTaskGroup(of: PostgresJobStore.self) { group in
            for _ in 0..<4 { group.addTask { try await PostgresJobStore.connect(PostgresStoreOptions(url: url)) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for round in 0..<10 {
            let ids = try await withThrowingTaskGroup(of: JobID.self) { group in
                for store in stores {
                    group.addTask {
                        try await store.enqueue([NewJob(type: "noop", payload: Data("{}".utf8), dedupKey: "race-\(round)")], limits: .none)[0].job.id
                    }
                }
                return try await group.reduce(into: Set<JobID>()) { $0.insert($1) }
            }
            #expect(ids.count == 1, "round \(round): \(ids.count) jobs for one key")
        }
        for store in stores { try await store.close() }
    }

    @Test("progress of a job running in another process reaches this process's events, in order")
    func progressAcrossProcesses() async throws {
        guard let url = try await database() else { return }
        let workerStore = try await PostgresJobStore.connect(PostgresStoreOptions(url: url))
        let observerStore = try await PostgresJobStore.connect(PostgresStoreOptions(url: url))
        // The observer plays the API server: it runs, but works a queue nobody uses.
        let observer = try ConveyorRuntime(
            store: observerStore, plugins: [DiagnosticsPlugin()], configuration: RuntimeConfiguration(concurrency: 1, queues: ["elsewhere"]))
        let worker = try ConveyorRuntime(store: workerStore, plugins: [DiagnosticsPlugin()], configuration: RuntimeConfiguration(concurrency: 2))
        try await observer.withRunning {
            let events = observer.events()
            try await Task.sleep(for: .milliseconds(300))
            try await worker.withRunning {
                let job = NewJob(type: "sleep", payload: Data(#"{"ms":1500}"#.utf8))
                _ = try await workerStore.enqueue([job], limits: .none)

                var percents: [Double] = []
                let collect = Task {
                    for await event in events {
                        guard case .progress(let update) = event, update.jobID == job.id else { continue }
                        percents.append(update.progress.percent)
                        if update.progress.message?.hasPrefix("Slept") == true && percents.count >= 3 { break }
                    }
                    return percents
                }
                let seen = try await withThrowingTaskGroup(of: [Double]?.self) { group in
                    group.addTask { await collect.value }
                    group.addTask {
                        try await Task.sleep(for: .seconds(30))
                        collect.cancel()
                        return nil
                    }
                    defer { group.cancelAll() }
                    return try await group.next() ?? nil
                }
                let relayed = try #require(seen, "no progress of the other process's job arrived")
                #expect(relayed.count >= 3)
                #expect(relayed == relayed.sorted(), "progress went backwards: \(relayed)")
            }
        }
        try await workerStore.close()
        try await observerStore.close()
    }

    @Test("ended jobs are announced only while another store reads events; a closed store is unlisted")
    func noticesOnlyWhileOthersListen() async throws {
        guard let url = try await database() else { return }
        let sender = try await PostgresJobStore.connect(PostgresStoreOptions(url: url))
        let reader = try await PostgresJobStore.connect(PostgresStoreOptions(url: url))
        let listed = { try await PostgresTestServer.rows("SELECT count(*)::text FROM conveyor_event_listeners", on: url).first?.first ?? nil }
        // A bare LISTEN, not a store: it hears what is sent without counting as a reader.
        let logger = Logger(label: "conveyor.tests.postgres")
        let ear = try await PostgresStoreOptions(url: url).connect(logger: logger)
        let heard = Mutex<[String]>([])
        let hearing = Task {
            try await ear.listen(on: "conveyor_events") { notices in
                for try await notice in notices { heard.withLock { $0.append(notice.payload) } }
            }
        }
        let finish = { (store: PostgresJobStore) -> JobID in
            let job = NewJob(type: "noop", payload: Data("{}".utf8))
            _ = try await store.enqueue([job], limits: .none)
            let claimed = try #require(try await store.claim(ClaimRequest(
                workerID: "w", queues: nil, limit: 1, priorityOrder: [.normal], now: Date(), leaseExpiresAt: Date().addingTimeInterval(30))).first)
            _ = try await store.complete([JobOutcome(jobID: claimed.id, workerID: "w", resolution: .completed(result: Data()))])
            return claimed.id
        }
        // The sender reads its own events: it is listed, but nobody else is, so it stays quiet.
        let own = sender.sharedEvents(wanted: { true })
        try await waitUntil("the sender is listed", limit: .seconds(30)) { try await listed() == "1" }
        let quiet = try await finish(sender)
        try await Task.sleep(for: .milliseconds(500))
        #expect(heard.withLock { $0 }.isEmpty, "announced \(quiet) with no other reader")

        let events = reader.sharedEvents(wanted: { true })
        try await waitUntil("the reader is listed", limit: .seconds(30)) { try await listed() == "2" }
        let told = try await finish(sender)
        try await waitUntil("the notice is heard", limit: .seconds(30)) { heard.withLock { $0.contains { $0.contains(told.description) } } }

        try await reader.close()
        #expect(try await listed() == "1", "a closed store stays listed")
        hearing.cancel()
        try? await ear.close()
        try await sender.close()
        _ = (own, events)
    }
}
