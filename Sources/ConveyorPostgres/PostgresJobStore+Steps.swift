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
            var held: [JobID: Bool] = [:]
            for write in writes {
                var isHeld = held[write.jobID]
                if isHeld == nil {
                    // Shared lock until commit: a rescue or cancel of the job waits for these writes.
                    isHeld = try await self.scalar("""
                        SELECT true FROM conveyor_jobs WHERE id = \(write.jobID.uuid) AND state = 'running'
                            AND lease_owner = \(write.workerID) AND attempts = \(write.attempt) FOR SHARE
                        """, as: Bool.self, on: connection) ?? false
                    held[write.jobID] = isHeld
                }
                guard isHeld == true else { continue }
                switch write.change {
                case .save(let record):
                    try await connection.execute("""
                        INSERT INTO conveyor_job_steps (job_id, key, name, position, status, attempt, started_at, finished_at, output)
                        VALUES (\(write.jobID.uuid), \(record.key), \(record.name), \(record.position), \(record.status.rawValue), \(record.attempt),
                            \(record.startedAt), \(record.finishedAt), \(record.output.map { ByteBuffer(bytes: $0) }))
                        ON CONFLICT (job_id, key) DO UPDATE SET name = excluded.name, position = excluded.position, status = excluded.status,
                            attempt = excluded.attempt, started_at = excluded.started_at, finished_at = excluded.finished_at, output = excluded.output
                        """, logger: self.logger)
                case .remove(let key):
                    try await connection.execute(
                        "DELETE FROM conveyor_job_steps WHERE job_id = \(write.jobID.uuid) AND key = \(key)", logger: self.logger)
                case .removeAll:
                    try await connection.execute("DELETE FROM conveyor_job_steps WHERE job_id = \(write.jobID.uuid)", logger: self.logger)
                }
            }
            return Set(held.filter(\.value).keys)
        }
    }
}
