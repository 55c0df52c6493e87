import Conveyor
import ConveyorSQLite
import Foundation
import GRDB
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
        #expect(first.appliedMigrations == ["v1-jobs"])
        _ = try await first.enqueue([NewJob(type: "noop", payload: Data("{}".utf8))], limits: .none)
        try await first.close()
        let second = try SQLiteJobStore(path: path)
        #expect(second.appliedMigrations.isEmpty && second.schemaVersion == "v1-jobs")
        #expect(try await second.stats(now: Date()).count(.queued) == 1)
        try await second.close()
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
