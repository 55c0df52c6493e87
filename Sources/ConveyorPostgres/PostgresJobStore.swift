public import Conveyor
public import ConveyorPostgresConnection
import Foundation
public import Logging
import NIOSSL
import PostgresNIO

/// The `postgres://…` store: many machines, one database.
///
/// Any number of processes share the work. Claims take jobs with `FOR UPDATE SKIP LOCKED`, so
/// claimers never wait on each other or take the same job; leases carry the worker's id and an
/// expiry its heartbeat renews, and any node re-queues jobs whose lease lapsed. Writes that make
/// work ready send `pg_notify`, and every store LISTENs, so idle workers wake at once (polling is
/// the fallback, and the only way with `notify=off`). Connections lost are re-opened with backoff
/// by the pool; a call that cannot get one in ``requestTimeout`` fails and the runtime tries again.
/// Progress reports and finished jobs travel the same way, so a server shows the progress and
/// outcome of jobs running elsewhere; they are sent only while another process listens
/// (``PostgresEventListeners``), since each NOTIFY serialises commits.
public final class PostgresJobStore: JobStore, JobWakeupSource, JobEventSource, ClosableStore, Sendable {
    /// Where it connects (prints without the password).
    public let options: PostgresStoreOptions
    /// Migrations this open applied (empty when the schema was current): what `conveyor migrate` reports.
    public let appliedMigrations: [String]
    /// Every migration the schema now has, oldest first.
    public let schemaVersion: String
    /// The longest one store call waits, for a connection or an answer, before failing.
    public let requestTimeout: Duration

    let client: PostgresClient
    let logger: Logger
    let wakeup: WakeupBroadcaster
    let events: SharedEventFeed
    /// Tags this store's progress notifications, so its own listener skips them.
    let origin: String
    /// Keeps this store listed while its events are read (``PostgresEventListeners``).
    private let presence: Task<Void, Never>?
    private let background: Task<Void, Never>

    /// Connects, checks the server answers with these credentials, and migrates the schema (under
    /// an advisory lock, so nodes starting together take turns). Throws
    /// `ConveyorError(.storeUnavailable)` in one line naming the server (never the password) and
    /// what went wrong.
    public static func connect(
        _ options: PostgresStoreOptions, requestTimeout: Duration = .seconds(15), logger: Logger = Logger(label: "conveyor.postgres")
    ) async throws -> PostgresJobStore {
        let probe = PostgresProbe(options: options, logger: logger)
        let (applied, all) = try await probe.withConnection(timeout: requestTimeout) { connection in
            try await PostgresMigrator(connection: connection, options: options, logger: logger).migrate(timeout: requestTimeout)
        }
        // The pool's own chatter (each failed reconnect, a lease racing `run()` at start) stays
        // out of the log: the store reports what failed, once, in its errors and the listener's notices.
        var poolLogger = logger
        poolLogger.logLevel = max(logger.logLevel, .error)
        let client = PostgresClient(configuration: try probe.clientConfiguration(), backgroundLogger: poolLogger)
        let wakeup = WakeupBroadcaster()
        let events = SharedEventFeed()
        let origin = UUID().uuidString
        let background = Task {
            await withDiscardingTaskGroup { group in
                group.addTask { await client.run() }
                if options.notifications {
                    group.addTask { await PostgresListener(client: client, wakeup: wakeup, events: events, origin: origin, options: options, logger: logger).run() }
                }
            }
        }
        let presence = options.notifications ? Task {
            await PostgresEventListeners(client: client, origin: origin, options: options, logger: logger, isRead: { events.hasListeners }).run()
        } : nil
        return PostgresJobStore(
            options: options, applied: applied, version: all.last ?? "none", requestTimeout: requestTimeout,
            client: client, logger: logger, wakeup: wakeup, events: events, origin: origin, presence: presence, background: background)
    }

    private init(
        options: PostgresStoreOptions, applied: [String], version: String, requestTimeout: Duration,
        client: PostgresClient, logger: Logger, wakeup: WakeupBroadcaster, events: SharedEventFeed, origin: String,
        presence: Task<Void, Never>?, background: Task<Void, Never>
    ) {
        self.options = options
        appliedMigrations = applied
        schemaVersion = version
        self.requestTimeout = requestTimeout
        self.client = client
        self.logger = logger
        self.wakeup = wakeup
        self.events = events
        self.origin = origin
        self.presence = presence
        self.background = background
    }

    /// Stops listening and closes every connection.
    public func close() async throws {
        // Unlisted first, while the pool still runs, so writers stop notifying for it at once.
        presence?.cancel()
        if let presence { _ = try await DeadlineRace.run(limit: .seconds(5), { await presence.value }) }
        background.cancel()
        let background = background
        // A connection left hanging (a query abandoned at its deadline, a server that vanished)
        // can keep the pool from shutting down; a process that is exiting must not wait on it.
        if try await DeadlineRace.run(limit: .seconds(5), { await background.value }) == nil {
            logger.warning("PostgreSQL connections did not close within 5s; leaving them to the process exit", metadata: ["store": "\(options)"])
        }
    }

    public func wakeups() -> AsyncStream<Void> {
        wakeup.stream()
    }

    public func sharedEvents(wanted: @escaping @Sendable () -> Bool) -> AsyncStream<JobEvent> {
        events.stream(wanted: wanted)
    }
}

extension JobQueueStore where Self == PostgresJobStore {
    /// `postgres://…`: jobs shared by many machines (see ``PostgresJobStore``).
    public static func postgres(url: String, logger: Logger = Logger(label: "conveyor.postgres")) async throws -> PostgresJobStore {
        try await PostgresJobStore.connect(PostgresStoreOptions(url: url), logger: logger)
    }
}
