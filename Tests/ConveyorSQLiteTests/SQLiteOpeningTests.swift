import Conveyor
import ConveyorSQLite
import Foundation
import GRDB
import TestSupport
import Testing

/// Bad files are refused at start with one line naming the path and the problem, and are
/// left exactly as they were.
@Suite("SQLite store: opening")
struct SQLiteOpeningTests {
    func refusal(_ path: String, options: SQLiteStoreOptions = SQLiteStoreOptions()) -> ConveyorError? {
        do {
            _ = try SQLiteJobStore(path: path, options: options)
            return nil
        } catch {
            return error as? ConveyorError
        }
    }

    @Test("a new file is created and migrated; reopening finds the schema current")
    func createAndReopen() async throws {
        let path = try TemporaryDirectory().path("jobs.db")
        let first = try SQLiteJobStore(path: path)
        #expect(first.appliedMigrations == ["v1-jobs", "v2-dedup-per-owner", "v3-error-codes-and-sequence", "v4-event-feed", "v5-workers", "v6-attempt-failures", "v7-dependencies", "v8-batches", "v9-batch-index", "v10-steps"])
        _ = try await first.enqueue([NewJob(type: "noop", payload: Data("{}".utf8))], limits: .none)
        try await first.close()
        let second = try SQLiteJobStore(path: path)
        #expect(second.appliedMigrations.isEmpty && second.schemaVersion == "v10-steps")
        #expect(try await second.stats(now: Date()).count(.queued) == 1)
        try await second.close()
    }

    /// `conveyor serve` on a stopped store someone damaged: it must refuse with one line and
    /// leave the file as it was, not start and report healthy while every call fails.
    func serveRefuses(_ path: String, saying expected: String) async throws {
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let output = try await ProductProcess(
            "conveyor", ["serve", "--port", "0", "--store", "sqlite:\(path)"], environment: ["CONVEYOR_JWT_SECRET": String(repeating: "s", count: 40)]
        ).finish(within: .seconds(60))
        #expect(output.status != 0, "serve started on a damaged store: \(output.stdout)")
        #expect(output.stderr.contains(expected), "\(output.stderr)")
        #expect(!output.stdout.contains("listening"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "the file was modified")
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    /// A store with some jobs, closed, all in one file (no WAL beside it).
    func storeWithJobs() async throws -> String {
        let path = try TemporaryDirectory().path("jobs.db")
        let store = try SQLiteJobStore(path: path)
        _ = try await store.enqueue((0..<2_000).map { _ in NewJob(type: "noop", payload: Data(String(repeating: "x", count: 200).utf8)) }, limits: .none)
        try await store.close()
        let queue = try DatabaseQueue(path: path)
        try await queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = DELETE") }
        try queue.close()
        return path
    }

    @Test("a damaged database (its last page overwritten) is refused at start, untouched")
    func damagedDatabase() async throws {
        let path = try await storeWithJobs()
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: size - 4096)
        try handle.write(contentsOf: Data(repeating: 0xA5, count: 4096))
        try handle.close()
        try await serveRefuses(path, saying: "the database file is corrupt")
    }

    @Test("a store whose jobs table was replaced is refused at start, untouched")
    func replacedJobsTable() async throws {
        let path = try await storeWithJobs()
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(sql: "DROP TABLE jobs; CREATE TABLE jobs (id INTEGER PRIMARY KEY, note TEXT)")
        }
        try queue.close()
        try await serveRefuses(path, saying: "its jobs table is not Conveyor's")
    }

    @Test("a file that is not a database is refused and untouched")
    func notADatabase() throws {
        let path = try TemporaryDirectory().path("notes.db")
        let content = Data("these are my notes, not a database\n".utf8)
        try content.write(to: URL(fileURLWithPath: path))
        let error = try #require(refusal(path))
        #expect(error.code == .storeUnavailable)
        #expect(error.message == "sqlite:\(path): not a SQLite database (the file does not start with the SQLite header)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == content)
    }

    @Test("another application's database is refused and untouched")
    func foreignDatabase() throws {
        let path = try TemporaryDirectory().path("app.db")
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)") }
        try queue.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let error = try #require(refusal(path))
        #expect(error.message.hasSuffix("holds another application's tables (customers); use a file of its own"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test("a schema from a newer Conveyor is refused and untouched")
    func newerSchema() async throws {
        let path = try TemporaryDirectory().path("jobs.db")
        try await SQLiteJobStore(path: path).close()
        let queue = try DatabaseQueue(path: path)
        try await queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-from-the-future')") }
        try queue.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let error = try #require(refusal(path))
        #expect(error.message == "sqlite:\(path): the schema is newer than this build of Conveyor (unknown migrations: v9-from-the-future); upgrade conveyor")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test("a file from before the attempt log opens, is migrated, and keeps its jobs")
    func upgradesAnOlderSchema() async throws {
        let path = try await storeWithJobs()
        // What v5 left: no attempt_log column, and no record of the migration that adds it.
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(sql: "ALTER TABLE jobs DROP COLUMN attempt_log")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v6-attempt-failures'")
        }
        try queue.close()
        let store = try SQLiteJobStore(path: path)
        #expect(store.appliedMigrations == ["v6-attempt-failures"])
        let page = try await store.jobs(matching: JobFilter())
        #expect(!page.jobs.isEmpty && page.jobs.allSatisfy(\.failedAttempts.isEmpty))
        try await store.close()
    }

    @Test("a missing directory is named")
    func missingDirectory() throws {
        let directory = try TemporaryDirectory()
        let error = try #require(refusal(directory.path("absent/jobs.db")))
        #expect(error.message == "sqlite:\(directory.path("absent/jobs.db")): the directory \(directory.path("absent")) does not exist")
        #expect(!FileManager.default.fileExists(atPath: directory.path("absent")))
    }

    @Test("a database locked by another connection is refused after the busy timeout")
    func locked() async throws {
        let path = try TemporaryDirectory().path("jobs.db")
        try await SQLiteJobStore(path: path).close()
        let lock = try ExclusiveLock(path: path)
        defer { lock.release() }
        let error = try #require(refusal(path, options: SQLiteStoreOptions(busyTimeout: .milliseconds(200))))
        #expect(error.message == "sqlite:\(path): the database is locked by another process (gave up after 200ms)")
    }
}
