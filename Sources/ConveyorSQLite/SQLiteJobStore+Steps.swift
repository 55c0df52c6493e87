public import Conveyor
import Foundation
import GRDB

extension SQLiteJobStore {
    public func steps(of id: JobID) async throws -> [StepRecord] {
        try await read { db in
            try Row.fetchAll(
                db.cachedStatement(sql: """
                    SELECT key, name, position, status, attempt, started_at, finished_at, output FROM job_steps
                    WHERE job_id = ? ORDER BY position, key
                    """),
                arguments: [id.bytes]
            ).map { row in
                StepRecord(
                    key: row[0], name: row[1], position: row[2], status: StepStatus(rawValue: row[3]) ?? .completed, attempt: row[4],
                    startedAt: SQLiteColumns.date(row[5]), finishedAt: (row[6] as Int64?).map(SQLiteColumns.date), output: row[7])
            }
        }
    }

    public func record(_ writes: [StepWrite]) async throws -> Set<JobID> {
        guard !writes.isEmpty else { return [] }
        return try await write { db in
            var held: [JobID: Bool] = [:]
            let holds = try db.cachedStatement(sql: "SELECT 1 FROM jobs WHERE id = ? AND state = 'running' AND lease_owner = ? AND attempts = ?")
            for write in writes {
                let isHeld = try held[write.jobID] ?? (Bool.fetchOne(holds, arguments: [write.jobID.bytes, write.workerID, write.attempt]) ?? false)
                held[write.jobID] = isHeld
                guard isHeld else { continue }
                switch write.change {
                case .save(let record):
                    try db.cachedStatement(sql: """
                        INSERT INTO job_steps (job_id, key, name, position, status, attempt, started_at, finished_at, output)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (job_id, key) DO UPDATE SET name = excluded.name, position = excluded.position, status = excluded.status,
                            attempt = excluded.attempt, started_at = excluded.started_at, finished_at = excluded.finished_at, output = excluded.output
                        """).execute(arguments: [
                            write.jobID.bytes, record.key, record.name, record.position, record.status.rawValue, record.attempt,
                            SQLiteColumns.micros(record.startedAt), record.finishedAt.map(SQLiteColumns.micros), record.output,
                        ])
                case .remove(let key):
                    try db.cachedStatement(sql: "DELETE FROM job_steps WHERE job_id = ? AND key = ?").execute(arguments: [write.jobID.bytes, key])
                case .removeAll:
                    try db.cachedStatement(sql: "DELETE FROM job_steps WHERE job_id = ?").execute(arguments: [write.jobID.bytes])
                }
            }
            return Set(held.filter(\.value).keys)
        }
    }
}
