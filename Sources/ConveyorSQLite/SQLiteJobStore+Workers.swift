public import Conveyor
public import Foundation
import GRDB

extension SQLiteJobStore: WorkerDirectory {
    public func recordWorker(_ worker: WorkerRecord) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO workers (id, host, pid, started_at, concurrency, running, processed, queues, draining, last_seen_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET running = excluded.running, processed = excluded.processed,
                        draining = excluded.draining, last_seen_at = excluded.last_seen_at
                    """,
                arguments: [
                    worker.id, worker.host, worker.pid, SQLiteColumns.micros(worker.startedAt), worker.concurrency, worker.running,
                    worker.processed, worker.queues?.joined(separator: ","), worker.draining, SQLiteColumns.micros(worker.lastSeenAt),
                ])
        }
    }

    public func workers(seenSince date: Date) async throws -> [WorkerRecord] {
        let since = SQLiteColumns.micros(date)
        return try await write { db in
            try db.execute(sql: "DELETE FROM workers WHERE last_seen_at < ?", arguments: [since])
            return try Row.fetchAll(db, sql: "SELECT * FROM workers ORDER BY id").map { row in
                WorkerRecord(
                    id: row["id"], host: row["host"], pid: row["pid"], startedAt: SQLiteColumns.date(row["started_at"]),
                    concurrency: row["concurrency"], running: row["running"], processed: row["processed"],
                    queues: (row["queues"] as String?).map { $0.split(separator: ",").map(String.init) }, draining: row["draining"],
                    lastSeenAt: SQLiteColumns.date(row["last_seen_at"]))
            }
        }
    }

    public func removeWorker(id: String) async throws {
        try await write { db in try db.execute(sql: "DELETE FROM workers WHERE id = ?", arguments: [id]) }
    }
}
