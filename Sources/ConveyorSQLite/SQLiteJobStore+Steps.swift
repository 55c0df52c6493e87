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
        return try await write { db in try Self.record(writes, in: db) }
    }

    /// The steps and the turn in one transaction.
    public func record(_ steps: [StepWrite], complete outcomes: [JobOutcome], andClaim request: ClaimRequest) async throws -> (applied: Set<JobID>, claimed: [Job]) {
        let origin = events.origin
        let (applied, requeued, claimed) = try await write { db in
            _ = try Self.record(steps, in: db)
            return try Self.turn(outcomes, andClaim: request, origin: origin, in: db)
        }
        if requeued { wakeup.signal() }
        return (applied, claimed)
    }

    static func record(_ writes: [StepWrite], in db: Database) throws -> Set<JobID> {
        var applied: Set<JobID> = []
        let lease = "SELECT 1 FROM jobs WHERE id = ? AND state = 'running' AND lease_owner = ? AND attempts = ?"
        for write in writes {
            let holder: StatementArguments = [write.jobID.bytes, write.workerID, write.attempt]
            switch write.change {
            case .save(let record):
                // The lease is checked in the statement: no row comes out of `jobs` unless it holds.
                try db.cachedStatement(sql: """
                    INSERT INTO job_steps (job_id, key, name, position, status, attempt, started_at, finished_at, output)
                    SELECT id, ?, ?, ?, ?, ?, ?, ?, ? FROM jobs WHERE id = ? AND state = 'running' AND lease_owner = ? AND attempts = ?
                    ON CONFLICT (job_id, key) DO UPDATE SET name = excluded.name, position = excluded.position, status = excluded.status,
                        attempt = excluded.attempt, started_at = excluded.started_at, finished_at = excluded.finished_at, output = excluded.output
                    """).execute(arguments: [
                        record.key, record.name, record.position, record.status.rawValue, record.attempt, SQLiteColumns.micros(record.startedAt),
                        record.finishedAt.map(SQLiteColumns.micros), record.output,
                    ] + holder)
                if db.changesCount > 0 { applied.insert(write.jobID) }
            case .remove(let key):
                guard try Bool.fetchOne(db.cachedStatement(sql: lease), arguments: holder) == true else { continue }
                try db.cachedStatement(sql: "DELETE FROM job_steps WHERE job_id = ? AND key = ?").execute(arguments: [write.jobID.bytes, key])
                applied.insert(write.jobID)
            case .removeAll:
                guard try Bool.fetchOne(db.cachedStatement(sql: lease), arguments: holder) == true else { continue }
                try db.cachedStatement(sql: "DELETE FROM job_steps WHERE job_id = ?").execute(arguments: [write.jobID.bytes])
                applied.insert(write.jobID)
            }
        }
        return applied
    }
}
