public import Conveyor
import Foundation
import GRDB

extension SQLiteJobStore {
    public func steps(of ids: [JobID]) async throws -> [JobID: [StepRecord]] {
        guard !ids.isEmpty else { return [:] }
        return try await read { db in
            var found: [JobID: [StepRecord]] = [:]
            for start in stride(from: 0, to: ids.count, by: 500) {
                let slice = ids[start..<min(start + 500, ids.count)]
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT job_id, key, name, position, status, attempt, started_at, finished_at, output FROM job_steps
                        WHERE job_id IN (\(Array(repeating: "?", count: slice.count).joined(separator: ","))) ORDER BY job_id, position, key
                        """,
                    arguments: StatementArguments(slice.map(\.bytes)))
                for row in rows {
                    guard let id = JobID(bytes: row[0]) else { continue }
                    found[id, default: []].append(StepRecord(
                        key: row[1], name: row[2], position: row[3], status: StepStatus(rawValue: row[4]) ?? .completed, attempt: row[5],
                        startedAt: SQLiteColumns.date(row[6]), finishedAt: (row[7] as Int64?).map(SQLiteColumns.date), output: row[8]))
                }
            }
            return found
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
