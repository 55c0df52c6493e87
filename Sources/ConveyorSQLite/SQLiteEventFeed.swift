import Conveyor
import Foundation
import GRDB
import Synchronization

/// The SQLite store's change feed: what other processes sharing the file did to jobs — each
/// job's end (completed, failed, cancelled) and each progress report — read by
/// ``SQLiteJobStore/sharedEvents(wanted:)`` within ``interval`` of its commit.
///
/// Writers append to the `events` table in the same transaction as the move, so an event is
/// there exactly when its move is; `seq` (AUTOINCREMENT, one writer at a time) is commit order.
/// They do so only while another store is listed in `event_listeners` — a store lists itself
/// while anyone reads its events, renews the row every ``refresh`` and removes it at close — so a
/// process alone with its file writes nothing extra. Events older than ``keep`` are deleted by
/// the listed readers.
final class SQLiteEventFeed: Sendable {
    static let interval = Duration.milliseconds(25)
    static let refresh: TimeInterval = 20
    static let lifetime: TimeInterval = 60
    static let keep: TimeInterval = 60
    static let page = 500

    let feed = SharedEventFeed()
    /// Names this store's rows, so its own events are not read back.
    let origin = UUID().uuidString
    private let reader = Mutex<Task<Void, Never>?>(nil)

    // MARK: - Writing, inside the store's write transactions

    /// Whether a store other than `origin` reads events now.
    static func othersListen(_ origin: String, in db: Database) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM event_listeners WHERE origin <> ? AND expires_at > ?)"),
            arguments: [origin, SQLiteColumns.micros(Date())]) ?? false
    }

    /// Records the end of each of `jobs` (id, state, sequence), or its wait for a retry, for the
    /// listening stores.
    static func recordEnded(_ jobs: [(id: JobID, status: JobStatus, sequence: Int)], origin: String, in db: Database) throws {
        guard !jobs.isEmpty, try othersListen(origin, in: db) else { return }
        let insert = try db.cachedStatement(sql: """
            INSERT INTO events (origin, kind, job_id, type, state, sequence, at)
            SELECT ?, 'ended', id, type, ?, ?, ? FROM jobs WHERE id = ?
            """)
        let now = SQLiteColumns.micros(Date())
        for job in jobs { try insert.execute(arguments: [origin, job.status.rawValue, job.sequence, now, job.id.bytes]) }
    }

    /// Records the progress the running jobs among `ids` now have.
    static func recordProgress(_ ids: [JobID], origin: String, in db: Database) throws {
        guard !ids.isEmpty, try othersListen(origin, in: db) else { return }
        let insert = try db.cachedStatement(sql: """
            INSERT INTO events (origin, kind, job_id, type, state, sequence, percent, stage, message, at)
            SELECT ?, 'progress', id, type, state, sequence, progress_percent, progress_stage, progress_message, ?
            FROM jobs WHERE id = ? AND state = 'running'
            """)
        let now = SQLiteColumns.micros(Date())
        for id in ids { try insert.execute(arguments: [origin, now, id.bytes]) }
    }

    // MARK: - Reading

    /// Starts the reader once: it keeps this store listed while the feed has listeners, and
    /// passes on other stores' events while they are wanted.
    func start(_ pool: DatabasePool) {
        reader.withLock { task in
            guard task == nil else { return }
            task = Task { [weak self] in
                var cursor: Int64?
                var listedAt: Date?
                while !Task.isCancelled {
                    try? await Task.sleep(for: Self.interval)
                    guard let self else { return }
                    let now = Date()
                    if self.feed.hasListeners, listedAt.map({ now.timeIntervalSince($0) >= Self.refresh }) ?? true {
                        if (try? await self.list(pool, now: now)) != nil { listedAt = now }
                    } else if !self.feed.hasListeners, listedAt != nil {
                        if (try? await pool.write { [origin] db in try self.unlist(origin, db) }) != nil { listedAt = nil }
                    }
                    guard self.feed.isWanted else {
                        cursor = nil
                        continue
                    }
                    guard let from = cursor else {
                        cursor = try? await pool.read { db in try Int64.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) FROM events") ?? 0 }
                        continue
                    }
                    cursor = (try? await self.pass(pool, after: from)) ?? from
                }
            }
        }
    }

    /// Stops reading and removes this store from the listing.
    func stop(_ pool: DatabasePool) {
        reader.withLock { $0 }?.cancel()
        try? pool.write { [origin] db in try unlist(origin, db) }
    }

    private func list(_ pool: DatabasePool, now: Date) async throws {
        let (origin, expiry, old) = (origin, SQLiteColumns.micros(now.addingTimeInterval(Self.lifetime)), SQLiteColumns.micros(now.addingTimeInterval(-Self.keep)))
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO event_listeners (origin, expires_at) VALUES (?, ?) ON CONFLICT (origin) DO UPDATE SET expires_at = excluded.expires_at",
                arguments: [origin, expiry])
            try db.execute(sql: "DELETE FROM events WHERE at < ?", arguments: [old])
            try db.execute(sql: "DELETE FROM event_listeners WHERE expires_at < ?", arguments: [SQLiteColumns.micros(now)])
        }
    }

    private func unlist(_ origin: String, _ db: Database) throws {
        try db.execute(sql: "DELETE FROM event_listeners WHERE origin = ?", arguments: [origin])
    }

    /// One row of `events`.
    private struct Event: Sendable {
        var ended: Bool
        var jobID: JobID
        var type: String
        var status: JobStatus
        var sequence: Int
        var progress: JobProgress
        var at: Date
    }

    /// Passes on the other stores' events after `seq`; returns the last seq read.
    private func pass(_ pool: DatabasePool, after seq: Int64) async throws -> Int64 {
        let origin = origin
        let (events, jobs, last): ([Event], [JobID: Job], Int64) = try await pool.read { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(sql: """
                    SELECT seq, kind, job_id, type, state, sequence, percent, stage, message, at FROM events
                    WHERE seq > ? AND origin <> ? ORDER BY seq LIMIT \(Self.page)
                    """),
                arguments: [seq, origin])
            let events = rows.compactMap { row -> Event? in
                guard let id = JobID(bytes: row["job_id"]), let status = JobStatus(rawValue: row["state"]) else { return nil }
                return Event(
                    ended: row["kind"] == "ended", jobID: id, type: row["type"], status: status, sequence: row["sequence"],
                    progress: JobProgress(percent: row["percent"] ?? 0, stage: row["stage"], message: row["message"]), at: SQLiteColumns.date(row["at"]))
            }
            let ended = events.filter(\.ended).map(\.jobID.bytes)
            let last: Int64 = rows.last?["seq"] ?? seq
            guard !ended.isEmpty else { return (events, [:], last) }
            let read = try SQLiteColumns.jobs(
                db.makeStatement(sql: "SELECT \(SQLiteColumns.job) FROM jobs WHERE id IN (\(Array(repeating: "?", count: ended.count).joined(separator: ", ")))"),
                arguments: StatementArguments(ended))
            return (events, Dictionary(read.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }), last)
        }
        for event in events {
            if !event.ended {
                feed.send(.progress(JobProgressUpdate(
                    jobID: event.jobID, type: event.type, progress: event.progress, sequence: event.sequence, timestamp: event.at)))
            } else if let change = JobStateChange.relayed(jobs[event.jobID], status: event.status, sequence: event.sequence, timestamp: event.at) {
                feed.send(.stateChanged(change))
            }
        }
        return last
    }
}
