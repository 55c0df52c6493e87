import Foundation

/// Jobs that ended (completed, failed or cancelled) or wait for their next attempt (scheduled by
/// their worker's outcome: a retry, or run again later), as one `conveyor_events` notification
/// says them: sent in the statement that moved them while another store listens
/// (``PostgresEventListeners``), at most ``perNotice`` to a notification so it stays
/// under PostgreSQL's 8000-byte limit. A listening store reads the jobs themselves (result, error)
/// only when someone wants the events; `origin` names the sending store, so a process skips its own.
struct PostgresFinishedNotice: Decodable {
    static let channel = "conveyor_events"
    static let perNotice = 40

    struct Ended: Decodable {
        var id: UUID
        var state: String
        var sequence: Int
    }

    var origin: String
    var jobs: [Ended]

    /// The SQL expression that sends the notices for the rows of `rows` (columns id, state,
    /// sequence) that ended, `origin` being the sender's bound origin; it counts the notices sent.
    static func send(endedIn rows: String, origin: String) -> String {
        """
        (SELECT count(pg_notify('\(channel)', json_build_object('origin', \(origin), 'jobs', jobs)::text)) FROM (
            SELECT json_agg(json_build_object('id', id, 'state', state, 'sequence', sequence)) AS jobs FROM (
                SELECT id, state, sequence, (row_number() OVER () - 1) / \(perNotice) AS part FROM \(rows)
                WHERE state IN ('completed', 'failed', 'cancelled', 'scheduled') AND \(PostgresEventListeners.othersListen(origin: origin))
            ) ended GROUP BY part
        ) notices)
        """
    }
}
