public import Conveyor
import Foundation
import NIOCore
import PostgresNIO

extension PostgresJobStore {
    public func enqueue(_ batch: NewBatch, limits: EnqueueLimits) async throws -> BatchSnapshot {
        try batch.check()
        let snapshot = try await transaction("enqueue a batch") { connection in
            let (tally, due) = BatchTally.start(total: batch.jobs.count, at: batch.createdAt)
            do {
                try await connection.execute("""
                    INSERT INTO conveyor_batches (id, name, owner, total, remaining, unsuccessful, failure_seen, created_at, finished_at)
                    VALUES (\(batch.id.uuid), \(batch.name), \(batch.owner), \(batch.jobs.count), \(tally.remaining), 0, false,
                        \(batch.createdAt), \(tally.finishedAt))
                    """, logger: self.logger)
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
                throw ConveyorError(.conflict, "A batch with id \(batch.id) already exists")
            }
            let callbacks = batch.callbacks.sorted { $0.key.rawValue < $1.key.rawValue }
            if !callbacks.isEmpty {
                let jobs = callbacks.map(\.value)
                try await connection.execute("""
                    INSERT INTO conveyor_batch_callbacks (batch_id, kind, job_id, type, queue, priority, payload, max_attempts, timeout_ms, owner)
                    SELECT \(batch.id.uuid), kind, job_id, type, queue, priority, payload, max_attempts, timeout_ms, CASE WHEN has_owner THEN owner END
                    FROM unnest(\(callbacks.map(\.key.rawValue))::text[], \(jobs.map(\.id.uuid))::uuid[], \(jobs.map(\.type))::text[],
                        \(jobs.map(\.queue))::text[], \(jobs.map(\.priority.rank))::int8[], \(jobs.map { ByteBuffer(bytes: $0.payload) })::bytea[],
                        \(jobs.map(\.maxAttempts))::int8[], \(jobs.map { Int($0.timeout.milliseconds) })::int8[],
                        \(jobs.map { $0.owner ?? "" })::text[], \(jobs.map { $0.owner != nil })::bool[])
                        AS v(kind, job_id, type, queue, priority, payload, max_attempts, timeout_ms, owner, has_owner)
                    """, logger: self.logger)
            }
            if !batch.jobs.isEmpty { _ = try await self.enqueue(batch.jobs, limits: limits, on: connection) }
            if !due.isEmpty { try await self.enqueueCallbacks(due, of: batch.id, at: batch.createdAt, on: connection) }
            return try await self.batch(batch.id, on: connection)
        }
        wakeup.signal()
        guard let snapshot else { throw ConveyorError(.storeUnavailable, "batch \(batch.id) was not there after writing it") }
        return snapshot
    }

    public func batch(_ id: JobID) async throws -> BatchSnapshot? {
        try await statement("read a batch") { connection in try await self.batch(id, on: connection) }
    }

    public func batchCounts() async throws -> [BatchStatus: Int] {
        try await statement("count batches") { connection in
            let rows = try await connection.query(
                "SELECT (count(*) FILTER (WHERE finished_at IS NULL))::bigint, count(finished_at)::bigint FROM conveyor_batches", logger: self.logger)
            var counts: [BatchStatus: Int] = [.running: 0, .finished: 0]
            for try await (running, finished) in rows.decode((Int, Int).self) { counts = [.running: running, .finished: finished] }
            return counts
        }
    }

    private func batch(_ id: JobID, on connection: PostgresConnection) async throws -> BatchSnapshot? {
        let rows = try await connection.query(
            "SELECT name, owner, total, created_at, finished_at FROM conveyor_batches WHERE id = \(id.uuid)", logger: logger)
        var found: (String?, String?, Int, Date, Date?)?
        for try await row in rows.decode((String?, String?, Int, Date, Date?).self) { found = row }
        guard let (name, owner, total, createdAt, finishedAt) = found else { return nil }
        var counts: [JobStatus: Int] = [:]
        let states = try await connection.query("""
            SELECT state, count(*)::bigint FROM conveyor_jobs WHERE batch_id = \(id.uuid) AND batch_callback IS NULL GROUP BY state
            """, logger: logger)
        for try await (state, n) in states.decode((String, Int).self) { if let status = JobStatus(rawValue: state) { counts[status] = n } }
        var callbacks: [BatchCallbackKind: JobID?] = [:]
        let kinds = try await connection.query(
            "SELECT kind, job_id, enqueued FROM conveyor_batch_callbacks WHERE batch_id = \(id.uuid)", logger: logger)
        for try await (kind, job, enqueued) in kinds.decode((String, UUID, Bool).self) {
            if let kind = BatchCallbackKind(rawValue: kind) { callbacks[kind] = enqueued ? JobID(job) : nil }
        }
        return BatchSnapshot(
            id: id, name: name, owner: owner, total: total, counts: counts, callbacks: callbacks, createdAt: createdAt, finishedAt: finishedAt)
    }

    /// A job of batch `id` ended (as `conveyor_batch_ended` counts it, enqueuing what became due),
    /// or ran again after it had ended (``BatchTally/restarted()``).
    func batchJobMoved(_ id: JobID, to job: Job, on connection: PostgresConnection) async throws {
        guard job.status.isTerminal else {
            try await connection.execute("""
                UPDATE conveyor_batches SET remaining = remaining + 1, unsuccessful = greatest(0, unsuccessful - 1)
                WHERE id = \(id.uuid) AND finished_at IS NULL
                """, logger: logger)
            return
        }
        let enqueued = try await scalar(
            "SELECT conveyor_batch_ended(\(id.uuid), \([job.status.rawValue])::text[], \(job.finishedAt ?? Date()))", as: Int.self,
            on: connection) ?? 0
        if enqueued > 0 {
            try await notifyReady(on: connection)
            wakeup.signal()
        }
    }

    /// Enqueues the callbacks of batch `id` in `due` (those of a batch finished as it was made).
    private func enqueueCallbacks(_ due: [BatchCallbackKind], of id: JobID, at date: Date, on connection: PostgresConnection) async throws {
        _ = try await scalar(
            "SELECT conveyor_batch_enqueue(\(id.uuid), \(due.map(\.rawValue))::text[], \(date))", as: Int.self, on: connection)
        try await notifyReady(on: connection)
    }
}
