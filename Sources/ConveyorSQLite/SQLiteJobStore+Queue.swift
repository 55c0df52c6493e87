public import Conveyor
public import Foundation
import GRDB

extension SQLiteJobStore {
    public func enqueue(_ newJobs: [NewJob], maxQueueSize: Int?) async throws -> [EnqueueResult] {
        guard !newJobs.isEmpty else { return [] }
        let results = try await write { db in
            var results: [EnqueueResult] = []
            results.reserveCapacity(newJobs.count)
            var batchKeys: [String: Job] = [:]
            var added: [String: Int] = [:]
            for new in newJobs {
                if let key = new.dedupKey {
                    let holder = try Row.fetchOne(
                        db.cachedStatement(sql: "SELECT \(SQLiteColumns.job) FROM jobs WHERE dedup_key = ? AND state NOT IN \(SQLiteColumns.terminalStates)"),
                        arguments: [key])
                    if let existing = try batchKeys[key] ?? holder.map(SQLiteColumns.job(from:)) {
                        results.append(EnqueueResult(job: existing, deduplicated: true))
                        continue
                    }
                    batchKeys[key] = new.job
                }
                added[new.queue, default: 0] += 1
                results.append(EnqueueResult(job: new.job, deduplicated: false))
            }
            if let maxQueueSize {
                let pending = try db.cachedStatement(
                    sql: "SELECT coalesce(sum(n), 0) FROM job_counts WHERE queue = ? AND state IN ('queued', 'scheduled', 'waiting')")
                for (queue, count) in added.sorted(by: { $0.key < $1.key }) {
                    let waiting = try Int.fetchOne(pending, arguments: [queue]) ?? 0
                    if waiting + count > maxQueueSize {
                        throw ConveyorError(.queueFull, "Queue '\(queue)' is full: \(waiting) unfinished jobs waiting (maxQueueSize \(maxQueueSize))")
                    }
                }
            }
            let insert = try db.cachedStatement(sql: """
                INSERT INTO jobs (id, type, queue, state, priority, payload, max_attempts, owner, dedup_key, timeout_ms, created_at, run_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for result in results where !result.deduplicated {
                let job = result.job
                do {
                    try insert.execute(arguments: [
                        job.id.bytes, job.type, job.queue, job.status.rawValue, job.priority.rank, job.payload, job.maxAttempts,
                        job.owner, job.dedupKey, job.timeout.milliseconds, SQLiteColumns.micros(job.createdAt),
                        SQLiteColumns.micros(job.scheduledAt),
                    ])
                } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                    throw ConveyorError(.conflict, "A job with id \(job.id) already exists")
                }
            }
            return results
        }
        if results.contains(where: { !$0.deduplicated }) { wakeup.signal() }
        return results
    }

    public func claim(_ request: ClaimRequest) async throws -> [Job] {
        guard request.limit > 0, !request.priorityOrder.isEmpty else { return [] }
        return try await write { db in
            var queues = try String.fetchAll(db.cachedStatement(sql: """
                SELECT queue FROM job_counts WHERE state = 'queued' AND n > 0 AND queue NOT IN (SELECT queue FROM paused_queues)
                """))
            if let wanted = request.queues.map(Set.init) { queues = queues.filter(wanted.contains) }
            guard !queues.isEmpty else { return [] }
            let statement = try db.cachedStatement(sql: Self.claimSQL(queues: queues.count))
            var claimed: [Job] = []
            claimed.reserveCapacity(request.limit)
            for priority in request.priorityOrder where claimed.count < request.limit {
                let remaining = request.limit - claimed.count
                var arguments: StatementArguments = [
                    SQLiteColumns.micros(request.now), request.workerID, SQLiteColumns.micros(request.leaseExpiresAt),
                ]
                for queue in queues { arguments += [queue, priority.rank, remaining] }
                arguments += [remaining]
                // RETURNING gives rows in no particular order: restore FIFO.
                claimed += try Row.fetchAll(statement, arguments: arguments).map(SQLiteColumns.job(from:))
                    .sorted { ($0.scheduledAt, $0.id) < ($1.scheduledAt, $1.id) }
            }
            return claimed
        }
    }

    /// Oldest ready jobs of one priority across `queues`: each queue's index gives its first
    /// `limit` rows, and the union is cut to `limit`, so no queue's backlog is ever scanned.
    static func claimSQL(queues: Int) -> String {
        let perQueue = Array(
            repeating: "SELECT * FROM (SELECT id, run_at FROM jobs WHERE state = 'queued' AND queue = ? AND priority = ? ORDER BY run_at, id LIMIT ?)",
            count: queues)
        return """
            UPDATE jobs SET state = 'running', attempts = attempts + 1, started_at = ?, lease_owner = ?, lease_expires_at = ?,
                progress_percent = 0, progress_stage = NULL, progress_message = NULL
            WHERE id IN (SELECT id FROM (\(perQueue.joined(separator: " UNION ALL "))) ORDER BY run_at, id LIMIT ?)
            RETURNING \(SQLiteColumns.job)
            """
    }

    public func complete(_ outcomes: [JobOutcome]) async throws -> Set<JobID> {
        guard !outcomes.isEmpty else { return [] }
        let (applied, requeued) = try await write { db in
            var applied: Set<JobID> = []
            var requeued = false
            let held = ", lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND state = 'running' AND lease_owner = ?"
            for outcome in outcomes {
                let finished = SQLiteColumns.micros(outcome.finishedAt)
                let (sql, arguments): (String, StatementArguments) = switch outcome.resolution {
                case .completed(let result):
                    ("UPDATE jobs SET state = 'completed', result = ?, error = NULL, error_permanent = NULL, progress_percent = 100, finished_at = ?",
                     [result, finished])
                case .failed(let failure):
                    ("UPDATE jobs SET state = 'failed', error = ?, error_permanent = ?, finished_at = ?", [failure.message, failure.permanent, finished])
                case .retry(let date, let failure):
                    ("UPDATE jobs SET state = 'scheduled', error = ?, error_permanent = ?, run_at = ?",
                     [failure.message, failure.permanent, SQLiteColumns.micros(date)])
                case .runAgain(let date, _):
                    ("UPDATE jobs SET state = 'scheduled', attempts = attempts - 1, run_at = ?", [SQLiteColumns.micros(date)])
                case .released:
                    ("UPDATE jobs SET state = 'queued', attempts = attempts - 1", [])
                }
                try db.cachedStatement(sql: sql + held).execute(arguments: arguments + [outcome.jobID.bytes, outcome.workerID])
                guard db.changesCount > 0 else { continue }
                applied.insert(outcome.jobID)
                if case .released = outcome.resolution { requeued = true }
            }
            return (applied, requeued)
        }
        if requeued { wakeup.signal() }
        return applied
    }

    public func heartbeat(workerID: String, jobs ids: [JobID], leaseExpiresAt: Date) async throws -> Set<JobID> {
        guard !ids.isEmpty else { return [] }
        return try await write { db in
            let renew = try db.cachedStatement(
                sql: "UPDATE jobs SET lease_expires_at = ? WHERE id = ? AND state = 'running' AND lease_owner = ?")
            var lost: Set<JobID> = []
            for id in ids {
                try renew.execute(arguments: [SQLiteColumns.micros(leaseExpiresAt), id.bytes, workerID])
                if db.changesCount == 0 { lost.insert(id) }
            }
            return lost
        }
    }

    public func recordProgress(_ updates: [JobID: JobProgress]) async throws {
        guard !updates.isEmpty else { return }
        try await write { db in
            let record = try db.cachedStatement(sql: """
                UPDATE jobs SET progress_percent = ?, progress_stage = ?, progress_message = ? WHERE id = ? AND state = 'running'
                """)
            for (id, progress) in updates {
                try record.execute(arguments: [progress.percent, progress.stage, progress.message, id.bytes])
            }
        }
    }

    public func promoteDueJobs(now: Date) async throws -> Int {
        let promoted = try await write { db in
            try db.cachedStatement(sql: "UPDATE jobs SET state = 'queued' WHERE state = 'scheduled' AND run_at <= ?")
                .execute(arguments: [SQLiteColumns.micros(now)])
            return db.changesCount
        }
        if promoted > 0 { wakeup.signal() }
        return promoted
    }

    public func rescueExpiredLeases(now: Date) async throws -> Int {
        let rescued = try await write { db in
            // run_at is kept, so a rescued job is claimed before newer ones.
            try db.cachedStatement(sql: """
                UPDATE jobs SET
                    state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
                    error = CASE WHEN attempts >= max_attempts
                        THEN 'Worker lost during attempt ' || attempts || ' of ' || max_attempts || ' (lease expired)'
                        ELSE 'Worker lost during attempt ' || attempts || ' (lease expired); re-queued' END,
                    error_permanent = 0,
                    finished_at = CASE WHEN attempts >= max_attempts THEN ?1 ELSE NULL END,
                    lease_owner = NULL, lease_expires_at = NULL
                WHERE state = 'running' AND (lease_expires_at IS NULL OR lease_expires_at < ?1)
                """).execute(arguments: [SQLiteColumns.micros(now)])
            return db.changesCount
        }
        if rescued > 0 { wakeup.signal() }
        return rescued
    }
}
