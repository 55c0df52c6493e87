import ConveyorPostgresConnection
import Foundation
import Logging
import PostgresNIO

/// Which stores relay other processes' events: a row per store in `conveyor_event_listeners`
/// while someone reads its ``PostgresJobStore/sharedEvents(wanted:)``, refreshed well inside its
/// expiry and deleted at close (a killed process's row lapses on its own).
///
/// Why: a NOTIFY holds one database-wide lock from its transaction's commit until the commit is
/// flushed, so a notice per worker turn serialises every turn's commit. Writers send the progress
/// and ended-job notices only while *another* store is listed — so a process alone with its
/// database (one `conveyor serve`, an embedded runtime, a benchmark) pays nothing for them, and a
/// server beside `conveyor worker`s gets every one. A store lists itself as soon as it is asked
/// for its events, which is at start for a runtime or a server, before any client can subscribe.
struct PostgresEventListeners {
    static let table = "conveyor_event_listeners"
    /// How often a listed store renews its row, and how long a row lasts unrenewed.
    static let refresh = Duration.seconds(20)
    static let lifetime = "60 seconds"
    /// How soon a store notices it gained or lost its readers.
    static let check = Duration.milliseconds(100)

    var client: PostgresClient
    var origin: String
    var options: PostgresStoreOptions
    var logger: Logger
    /// Whether anyone reads this store's shared events now.
    var isRead: @Sendable () -> Bool

    /// SQL that is true while some store other than the one bound as `origin` is listed.
    static func othersListen(origin: String) -> String {
        "EXISTS (SELECT 1 FROM \(table) WHERE origin <> \(origin) AND expires_at > now())"
    }

    /// Keeps this store's row in step with ``isRead`` until cancelled, then removes it.
    func run() async {
        var renewed: ContinuousClock.Instant?
        while !Task.isCancelled {
            let read = isRead()
            if read, renewed.map({ ContinuousClock.now - $0 >= Self.refresh }) ?? true {
                if await list() { renewed = .now }
            } else if !read, renewed != nil, await unlist() {
                renewed = nil
            }
            try? await Task.sleep(for: Self.check)
        }
        // Not this task's cancellation: the row should go even as the store closes.
        if renewed != nil { _ = await Task { await unlist() }.value }
    }

    private func list() async -> Bool {
        await perform("list this store as an event listener", """
            INSERT INTO \(Self.table) (origin, expires_at) VALUES ($1, now() + interval '\(Self.lifetime)')
            ON CONFLICT (origin) DO UPDATE SET expires_at = excluded.expires_at
            """)
    }

    private func unlist() async -> Bool {
        await perform("unlist this store as an event listener", "DELETE FROM \(Self.table) WHERE origin = $1")
    }

    private func perform(_ action: String, _ sql: String) async -> Bool {
        var bindings = PostgresBindings()
        bindings.append(origin)
        let (client, logger, binds) = (client, logger, bindings)
        do {
            try await PostgresFailure.mapping(options, timeout: .seconds(5), doing: action) {
                try await client.withConnection { connection in
                    try await connection.execute(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
                }
            }
            return true
        } catch {
            logger.debug("Could not \(action); trying again", metadata: ["error": "\(error)"])
            return false
        }
    }
}
