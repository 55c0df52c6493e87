public import Conveyor
public import Foundation
import PostgresNIO

extension PostgresJobStore: WorkerDirectory {
    public func recordWorker(_ worker: WorkerRecord) async throws {
        try await statement("record this worker") { connection in
            _ = try await connection.query("""
                INSERT INTO conveyor_workers (id, host, pid, started_at, concurrency, running, processed, queues, draining, last_seen_at)
                VALUES (\(worker.id), \(worker.host), \(worker.pid), \(worker.startedAt), \(worker.concurrency), \(worker.running),
                    \(worker.processed), \(worker.queues), \(worker.draining), \(worker.lastSeenAt))
                ON CONFLICT (id) DO UPDATE SET running = excluded.running, processed = excluded.processed,
                    draining = excluded.draining, last_seen_at = excluded.last_seen_at
                """, logger: self.logger)
        }
    }

    public func workers(seenSince date: Date) async throws -> [WorkerRecord] {
        try await statement("list workers") { connection in
            _ = try await connection.query("DELETE FROM conveyor_workers WHERE last_seen_at < \(date)", logger: self.logger)
            let rows = try await connection.query("""
                SELECT id, host, pid, started_at, concurrency, running, processed, queues, draining, last_seen_at
                FROM conveyor_workers ORDER BY id
                """, logger: self.logger)
            var workers: [WorkerRecord] = []
            for try await (id, host, pid, started, concurrency, running, processed, queues, draining, seen) in rows.decode(
                (String, String, Int, Date, Int, Int, Int, [String]?, Bool, Date).self)
            {
                workers.append(WorkerRecord(
                    id: id, host: host, pid: pid, startedAt: started, concurrency: concurrency, running: running, processed: processed,
                    queues: queues, draining: draining, lastSeenAt: seen))
            }
            return workers
        }
    }

    public func removeWorker(id: String) async throws {
        try await statement("unlist this worker") { connection in
            _ = try await connection.query("DELETE FROM conveyor_workers WHERE id = \(id)", logger: self.logger)
        }
    }
}
