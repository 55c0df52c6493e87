import Conveyor
import ConveyorSQLite
import Foundation
import TestSupport
import Testing

/// The store as operators meet it: real `conveyor` processes sharing one file, killed with
/// SIGKILL, and refusing bad files with one line.
@Suite("SQLite store: real processes")
struct SQLiteProcessTests {
    @Test("a worker killed with SIGKILL loses nothing: its running jobs run again within a few lease lengths")
    func crashRecovery() async throws {
        let path = try TemporaryDirectory().path("jobs.db")
        let store = try SQLiteJobStore(path: path)
        // About 6 s of work for 16 workers: on a loaded machine (the whole suite runs in parallel)
        // 3 s once ran out before the kill, leaving nothing to interrupt.
        let total = 240
        let enqueued = try await store.enqueue(NewJob.sleeps(total, ms: 400), limits: .none)
        let lease = Duration.seconds(2)
        let environment = ["CONVEYOR_LEASE": DurationText.format(lease), "CONVEYOR_LOG_LEVEL": "warning"]
        let worker = ["worker", "--store", "sqlite:\(path)", "--workers", "16"]

        let first = try ProductProcess("conveyor", worker, environment: environment)
        // Plenty still queued, so the worker is holding a full set of jobs when it dies.
        try await waitUntil("some jobs completed while others run") {
            let stats = try await store.stats(now: Date())
            return stats.count(.completed) >= 20 && stats.count(.running) > 0 && stats.count(.queued) >= 32
        }
        first.kill(SIGKILL)
        let killed = try await first.finish()
        #expect(killed.status == SIGKILL)
        // Nobody renews these leases any more: they are the jobs the crash interrupted.
        let interrupted = try await store.jobs(matching: JobFilter(status: .running, limit: 1000)).jobs.map(\.id)
        #expect(!interrupted.isEmpty)

        let restarted = ContinuousClock.now
        let second = try ProductProcess("conveyor", worker, environment: environment)
        try await waitUntil("the interrupted jobs completed") {
            for id in interrupted where try await store.job(id)?.status != .completed { return false }
            return true
        }
        let recovery = ContinuousClock.now - restarted
        try await waitUntil("every job completed") { try await store.stats(now: Date()).count(.completed) == total }
        second.kill(SIGTERM)
        #expect(try await second.finish().status == 0)

        #expect(recovery < lease * 5, "interrupted jobs took \(recovery) to run again with a \(lease) lease")
        for result in enqueued {
            let job = try #require(try await store.job(result.job.id))
            #expect(job.status == .completed)
            // At-least-once: the interrupted ones ran a second time, the rest exactly once.
            #expect(job.attempts == (interrupted.contains(job.id) ? 2 : 1))
        }
        try await store.close()
    }

    @Test("two live workers on one file share the work and never run a job twice")
    func twoWorkers() async throws {
        let path = try TemporaryDirectory().path("jobs.db")
        let store = try SQLiteJobStore(path: path)
        // Jobs long enough (~5 s of work in all) that polling sees each process holding some
        // even when a loaded CI machine delays the polls.
        let total = 320
        let enqueued = try await store.enqueue(NewJob.sleeps(total, ms: 250), limits: .none)
        let worker = ["worker", "--store", "sqlite:\(path)", "--workers", "8"]
        let environment = ["CONVEYOR_LOG_LEVEL": "warning"]
        let workers = try [ProductProcess("conveyor", worker, environment: environment), ProductProcess("conveyor", worker, environment: environment)]

        var holders: Set<String> = []
        try await waitUntil("every job completed") {
            let running = try await store.jobs(matching: JobFilter(status: .running, limit: 1000)).jobs
            holders.formUnion(running.compactMap(\.lease?.workerID))
            return try await store.stats(now: Date()).count(.completed) == total
        }
        for process in workers { process.kill(SIGTERM) }
        for process in workers { #expect(try await process.finish().status == 0) }

        #expect(holders.count == 2, "both processes should have held jobs; saw \(holders.sorted())")
        for result in enqueued {
            let job = try #require(try await store.job(result.job.id))
            // A second claim of the same job would have counted a second attempt.
            #expect(job.status == .completed && job.attempts == 1)
        }
        try await store.close()
    }

    @Test("bad files stop the command at start with one line and exit 1, leaving the file as it was")
    func badFiles() async throws {
        let directory = try TemporaryDirectory()
        let notes = directory.path("notes.db")
        let content = Data("not a database\n".utf8)
        try content.write(to: URL(fileURLWithPath: notes))
        for command in [["worker"], ["migrate"], ["bench", "--jobs", "1"]] {
            let output = try await ProductProcess.run("conveyor", command + ["--store", "sqlite:\(notes)"])
            #expect(output.status == 1)
            #expect(output.stderr == "Error: sqlite:\(notes): not a SQLite database (the file does not start with the SQLite header)\n")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: notes)) == content)

        let readOnly = directory.path("read-only")
        try FileManager.default.createDirectory(atPath: readOnly, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o555])
        let denied = try await ProductProcess.run("conveyor", ["migrate", "--store", "sqlite:\(readOnly)/jobs.db"], unprivileged: true)
        #expect(denied.status == 1)
        #expect(denied.stderr == "Error: sqlite:\(readOnly)/jobs.db: cannot create the database: the directory \(readOnly) is not writable\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: readOnly).isEmpty)

        let locked = directory.path("locked.db")
        try await SQLiteJobStore(path: locked).close()
        let lock = try ExclusiveLock(path: locked)
        let busy = try await ProductProcess.run("conveyor", ["migrate", "--store", "sqlite:\(locked)"])
        lock.release()
        #expect(busy.status == 1)
        #expect(busy.stderr == "Error: sqlite:\(locked): the database is locked by another process (gave up after 5s)\n")
    }

    @Test("migrate reports what it applied; bench runs on a SQLite file")
    func migrateAndBench() async throws {
        let path = try TemporaryDirectory().path("jobs.db")
        let first = try await ProductProcess.run("conveyor", ["migrate", "--store", "sqlite:\(path)"])
        #expect(first.status == 0 && first.stdout == "sqlite:\(path): applied v1-jobs, v2-dedup-per-owner, v3-error-codes-and-sequence, v4-event-feed, v5-workers, v6-attempt-failures, v7-dependencies, v8-batches, v9-batch-index, v10-steps; schema is at v10-steps\n")
        let again = try await ProductProcess.run("conveyor", ["migrate", "--store", "sqlite:\(path)"])
        #expect(again.stdout == "sqlite:\(path): schema is current (v10-steps)\n")

        let bench = try await ProductProcess.run("conveyor", ["bench", "--store", "sqlite:\(path)", "--jobs", "300", "--workers", "8", "--json"])
        #expect(bench.status == 0, "\(bench.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(bench.stdout.utf8)) as? [String: Any]
        #expect(report?["store"] as? String == "sqlite:\(path)")
        #expect((report?["processPerSec"] as? Int ?? 0) > 0)
        let store = try SQLiteJobStore(path: path)
        #expect(try await store.stats(now: Date()).count(.completed) == 800)
        try await store.close()
    }
}
