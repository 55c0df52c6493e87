public import Conveyor
import Foundation
import NIOCore
import PostgresNIO

extension PostgresJobStore {
    public func steps(of ids: [JobID]) async throws -> [JobID: [StepRecord]] {
        guard !ids.isEmpty else { return [:] }
        return try await statement("read jobs' steps") { connection in
            let rows = try await connection.query("""
                SELECT job_id, key, name, position, status, attempt, started_at, finished_at, output FROM conveyor_job_steps
                WHERE job_id = ANY(\(ids.map(\.uuid))::uuid[]) ORDER BY job_id, position, key
                """, logger: self.logger)
            var found: [JobID: [StepRecord]] = [:]
            for try await (id, key, name, position, status, attempt, startedAt, finishedAt, output)
                in rows.decode((UUID, String, String, Int, String, Int, Date, Date?, Data?).self)
            {
                found[JobID(id), default: []].append(StepRecord(
                    key: key, name: name, position: position, status: StepStatus(rawValue: status) ?? .completed, attempt: attempt,
                    startedAt: startedAt, finishedAt: finishedAt, output: output))
            }
            return found
        }
    }

    public func record(_ writes: [StepWrite]) async throws -> Set<JobID> {
        guard !writes.isEmpty else { return [] }
        return try await transaction("record job steps") { connection in
            var applied: Set<JobID> = []
            for write in writes {
                func holds() async throws -> Bool {
                    try await self.scalar("""
                        SELECT true FROM conveyor_jobs WHERE id = \(write.jobID.uuid) AND state = 'running' AND lease_owner = \(write.workerID)
                            AND attempts = \(write.attempt)
                        """, as: Bool.self, on: connection) == true
                }
                switch write.change {
                case .save(let record):
                    // The lease is checked in the statement: no row comes out of the jobs table unless it holds.
                    let rows = try await connection.query("""
                        INSERT INTO conveyor_job_steps (job_id, key, name, position, status, attempt, started_at, finished_at, output)
                        SELECT id, \(record.key), \(record.name), \(record.position), \(record.status.rawValue), \(record.attempt), \(record.startedAt),
                            \(record.finishedAt), \(record.output.map { ByteBuffer(bytes: $0) })
                        FROM conveyor_jobs WHERE id = \(write.jobID.uuid) AND state = 'running' AND lease_owner = \(write.workerID)
                            AND attempts = \(write.attempt)
                        ON CONFLICT (job_id, key) DO UPDATE SET name = excluded.name, position = excluded.position, status = excluded.status,
                            attempt = excluded.attempt, started_at = excluded.started_at, finished_at = excluded.finished_at, output = excluded.output
                        RETURNING true
                        """, logger: self.logger)
                    for try await _ in rows { applied.insert(write.jobID) }
                case .remove(let key):
                    guard try await holds() else { continue }
                    try await connection.execute(
                        "DELETE FROM conveyor_job_steps WHERE job_id = \(write.jobID.uuid) AND key = \(key)", logger: self.logger)
                    applied.insert(write.jobID)
                case .removeAll:
                    guard try await holds() else { continue }
                    try await connection.execute("DELETE FROM conveyor_job_steps WHERE job_id = \(write.jobID.uuid)", logger: self.logger)
                    applied.insert(write.jobID)
                }
            }
            return applied
        }
    }
}
