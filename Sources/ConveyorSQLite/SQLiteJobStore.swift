public import Conveyor
import Foundation
import GRDB

/// The `sqlite:PATH` store: durable jobs in one SQLite file, the default for a single machine.
///
/// WAL mode lets readers (the API, the dashboard) run beside the one writer; every write is an
/// immediate transaction, so several processes sharing the file claim atomically and never
/// run the same job twice. Claims and completions are batched into one transaction each.
/// Opening checks the file before touching it and migrates the schema.
public final class SQLiteJobStore: JobStore, JobWakeupSource, JobEventSource, ClosableStore, Sendable {
    /// The absolute path of the database file.
    public let path: String
    /// Migrations this open applied (empty when the schema was current): what `conveyor migrate` reports.
    public let appliedMigrations: [String]
    /// Every migration the schema now has, oldest first.
    public let schemaVersion: String

    let pool: DatabasePool
    let checkpointer: SQLiteCheckpointer
    let wakeup = WakeupBroadcaster()
    let events = SQLiteEventFeed()

    /// Opens (creating if missing) and migrates the database at `path`, relative to the
    /// working directory unless absolute. Throws `ConveyorError(.storeUnavailable)` with one
    /// line naming the path and the problem, having changed nothing, when the directory is not
    /// writable, the file is not a SQLite database, its schema is newer than this build, or
    /// another process holds it locked past `options.busyTimeout`.
    public init(path: String, options: SQLiteStoreOptions = SQLiteStoreOptions()) throws {
        let path = URL(fileURLWithPath: path).standardizedFileURL.path
        self.path = path
        let opening = SQLiteOpening(path: path, options: options)
        try opening.checkFile()
        try opening.checkSchema()
        pool = try opening.openPool()
        do {
            let before = try pool.read { try SQLiteSchema.migrator.appliedIdentifiers($0) }
            try SQLiteSchema.migrator.migrate(pool)
            // An immediate transaction proves we can take the write lock now, not at the first claim.
            try pool.write { _ in }
            let after = try pool.read { try SQLiteSchema.migrator.completedMigrations($0) }
            appliedMigrations = after.filter { !before.contains($0) }
            schemaVersion = after.last ?? "none"
            checkpointer = try SQLiteCheckpointer(path: path, options: options)
        } catch {
            try? pool.close()
            throw opening.explain(error)
        }
    }

    public func close() async throws {
        events.stop(pool)
        try checkpointer.close()
        try pool.close()
    }

    public func wakeups() -> AsyncStream<Void> {
        wakeup.stream()
    }

    /// What other processes sharing the file did to jobs — their ends and progress reports —
    /// within tens of milliseconds of each commit (see ``SQLiteEventFeed``).
    public func sharedEvents(wanted: @escaping @Sendable () -> Bool) -> AsyncStream<JobEvent> {
        let stream = events.feed.stream(wanted: wanted)
        events.start(pool)
        return stream
    }
}

extension JobQueueStore where Self == SQLiteJobStore {
    /// `sqlite:PATH`: durable jobs in one file (see ``SQLiteJobStore``).
    public static func sqlite(path: String, options: SQLiteStoreOptions = SQLiteStoreOptions()) throws -> SQLiteJobStore {
        try SQLiteJobStore(path: path, options: options)
    }
}
