public import Conveyor
public import Foundation
import PostgresNIO

extension PostgresJobStore {
    public func cancel(_ id: JobID, now: Date) async throws -> Job {
        try await transaction("cancel a job") { connection in
            let job = try await self.lockedJob(id, on: connection)
            let cancelled = try JobTransitions.cancel(job, id: id, now: now)
            if let job {
                try await self.write(cancelled, from: job, on: connection)
                try await self.releaseDependents(of: [cancelled], now: now, on: connection)
            }
            return cancelled
        }
    }

    public func retry(_ id: JobID, now: Date) async throws -> Job {
        let retried = try await transaction("retry a job") { connection in
            let job = try await self.lockedJob(id, on: connection)
            var holder: JobID?
            if let scope = job?.dedupScope {
                holder = try await self.scalar("""
                    SELECT id FROM conveyor_jobs
                    WHERE COALESCE(owner, '') = \(scope.owner ?? "") AND dedup_key = \(scope.key) AND state NOT IN \(unescaped: PostgresColumns.terminalStates)
                    """, as: UUID.self, on: connection).map(JobID.init)
            }
            let retried = try JobTransitions.retry(job, id: id, now: now, dedupHolder: holder)
            if let job { try await self.write(retried, from: job, on: connection) }
            // Retrying is running it again: an at-most-once step left unfinished may run now.
            try await connection.execute("DELETE FROM conveyor_job_steps WHERE job_id = \(id.uuid) AND status = 'running'", logger: self.logger)
            try await self.notifyReady(on: connection)
            return retried
        }
        wakeup.signal()
        return retried
    }

    /// The job, locked until the transaction ends, so nothing moves it meanwhile.
    func lockedJob(_ id: JobID, on connection: PostgresConnection) async throws -> Job? {
        let rows = try await connection.query(
            "SELECT \(unescaped: PostgresColumns.job) FROM conveyor_jobs WHERE id = \(id.uuid) FOR UPDATE", logger: logger)
        return try await PostgresColumns.jobs(rows).first
    }

    /// Writes a moved job back over `old` (a row this transaction has locked); a job that ended,
    /// or that its worker put back for a retry, is announced to the other processes when the
    /// transaction commits; a job of a batch moves its batch's tally.
    func write(_ job: Job, from old: Job, on connection: PostgresConnection) async throws {
        guard try await scalar(PostgresColumns.update(job, from: old.status), as: Int.self, on: connection) != nil else {
            throw ConveyorError(.conflict, "Job \(job.id) changed while it was being moved; try again")
        }
        if let batch = job.batch, batch.isMember, old.status.isTerminal != job.status.isTerminal {
            try await batchJobMoved(batch.id, to: job, on: connection)
        }
        guard JobStateChange.isTold(from: old.status, to: job.status) else { return }
        var binds = PostgresBindings()
        binds.append(job.id.uuid)
        binds.append(job.status.rawValue)
        binds.append(job.sequence)
        binds.append(origin)
        let moved = "(SELECT $1::uuid AS id, $2::text AS state, $3::int8 AS sequence) moved"
        try await connection.execute(
            PostgresQuery(unsafeSQL: "SELECT " + PostgresFinishedNotice.send(endedIn: moved, origin: "$4::text"), binds: binds), logger: logger)
    }

    public func prune(_ policy: RetentionPolicy, now: Date) async throws -> Int {
        var removed = 0
        for (status, keep) in [(JobStatus.completed, policy.completed), (.failed, policy.failed), (.cancelled, policy.cancelled)] {
            removed += try await deleteFinished(status, before: now.addingTimeInterval(-keep.seconds), exclusive: true)
        }
        // Only the last minute is ever read; keep a little more for clocks that differ.
        try await statement("prune finished counters") { connection in
            try await connection.execute(
                "DELETE FROM conveyor_finished_seconds WHERE second < \(Int(now.timeIntervalSince1970) - 300)", logger: self.logger)
        }
        return removed
    }

    public func deleteFailed(finishedBefore date: Date) async throws -> Int {
        try await deleteFinished(.failed, before: date, exclusive: false)
    }

    public func setPaused(_ paused: Bool, queue: String) async throws {
        try await transaction(paused ? "pause a queue" : "resume a queue") { connection in
            if paused {
                try await connection.execute(
                    "INSERT INTO conveyor_paused_queues (queue) VALUES (\(queue)) ON CONFLICT DO NOTHING", logger: self.logger)
            } else {
                try await connection.execute("DELETE FROM conveyor_paused_queues WHERE queue = \(queue)", logger: self.logger)
                try await self.notifyReady(on: connection)
            }
        }
        if !paused { wakeup.signal() }
    }

    public func pausedQueues() async throws -> Set<String> {
        try await statement("read paused queues") { connection in
            var queues: Set<String> = []
            for try await queue in try await connection.query("SELECT queue FROM conveyor_paused_queues", logger: self.logger).decode(String.self) {
                queues.insert(queue)
            }
            return queues
        }
    }

    /// Deletes in slices of 5,000 rows, one transaction each, so pruning a million old jobs never
    /// holds locks long. Retention pruning is `exclusive`: a slice runs only while this node holds
    /// the pruning advisory lock, so of many nodes one prunes at a time and the rest skip.
    private func deleteFinished(_ status: JobStatus, before date: Date, exclusive: Bool) async throws -> Int {
        var removed = 0
        while true {
            let deleted = try await transaction("delete finished jobs") { connection -> Int? in
                if exclusive {
                    let mine = try await self.scalar(
                        "SELECT pg_try_advisory_xact_lock(\(PostgresSchema.pruneLockKey))", as: Bool.self, on: connection) ?? false
                    if !mine { return nil }
                }
                return try await self.scalar("""
                    WITH gone AS (
                        DELETE FROM conveyor_jobs WHERE id IN (
                            SELECT id FROM conveyor_jobs WHERE state = \(status.rawValue) AND finished_at < \(date) LIMIT 5000)
                        RETURNING 1)
                    SELECT count(*) FROM gone
                    """, as: Int.self, on: connection) ?? 0
            }
            guard let deleted else { return removed }
            removed += deleted
            if deleted < 5000 { return removed }
        }
    }
}
