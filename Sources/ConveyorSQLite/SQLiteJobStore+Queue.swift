public import Conveyor
public import Foundation
import GRDB

extension SQLiteJobStore {
    public func enqueue(_ newJobs: [NewJob], limits: EnqueueLimits) async throws -> [EnqueueResult] {
        guard !newJobs.isEmpty else { return [] }
        let results = try await write { db in
            let plan = try EnqueuePlan(newJobs) { scope in
                try Row.fetchOne(db.cachedStatement(sql: Self.dedupHolder), arguments: [scope.owner ?? "", scope.key]).map(SQLiteColumns.job(from:))
            }
            try plan.checkCapacity(
                limits,
                waiting: { queue in
                    try Int.fetchOne(
                        db.cachedStatement(sql: "SELECT coalesce(sum(n), 0) FROM job_counts WHERE queue = ? AND state IN ('queued', 'scheduled', 'waiting')"),
                        arguments: [queue]) ?? 0
                },
                unfinished: {
                    try Int.fetchOne(db, sql: "SELECT coalesce(sum(n), 0) FROM job_counts WHERE state NOT IN \(SQLiteColumns.terminalStates)") ?? 0
                },
                owned: { owner in
                    try Int.fetchOne(
                        db.cachedStatement(sql: "SELECT count(*) FROM jobs WHERE owner = ? AND state NOT IN \(SQLiteColumns.terminalStates)"),
                        arguments: [owner]) ?? 0
                })
            let insert = try db.cachedStatement(sql: """
                INSERT INTO jobs (id, type, queue, state, priority, payload, max_attempts, owner, dedup_key, timeout_ms, created_at, run_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            var counts = SQLiteCounts()
            for job in plan.newJobs {
                counts.move(queue: job.queue, from: nil, to: job.status)
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
            try counts.write(db)
            return plan.results
        }
        if results.contains(where: { !$0.deduplicated }) { wakeup.signal() }
        return results
    }

    /// The unfinished job holding a dedup key in an owner's scope (the `jobs_dedup` index's expression).
    static let dedupHolder =
        "SELECT \(SQLiteColumns.job) FROM jobs WHERE IFNULL(owner, '') = ? AND dedup_key = ? AND state NOT IN \(SQLiteColumns.terminalStates)"

    public func claim(_ request: ClaimRequest) async throws -> [Job] {
        try await write { db in try Self.claim(request, in: db) }
    }

    public func complete(_ outcomes: [JobOutcome]) async throws -> Set<JobID> {
        guard !outcomes.isEmpty else { return [] }
        let (applied, requeued) = try await write { db in try Self.complete(outcomes, in: db) }
        if requeued { wakeup.signal() }
        return applied
    }

    /// Both in one transaction: one commit and one trip to the writer per worker turn.
    public func complete(_ outcomes: [JobOutcome], andClaim request: ClaimRequest) async throws -> (applied: Set<JobID>, claimed: [Job]) {
        let (applied, requeued, claimed) = try await write { db in
            let (applied, requeued) = try Self.complete(outcomes, in: db)
            return (applied, requeued, try Self.claim(request, in: db))
        }
        if requeued { wakeup.signal() }
        return (applied, claimed)
    }

    private static func claim(_ request: ClaimRequest, in db: Database) throws -> [Job] {
        guard request.limit > 0, !request.priorityOrder.isEmpty else { return [] }
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
            claimed += try SQLiteColumns.jobs(statement, arguments: arguments)
                .sorted { ($0.scheduledAt, $0.id) < ($1.scheduledAt, $1.id) }
        }
        var counts = SQLiteCounts()
        for job in claimed { counts.move(queue: job.queue, from: .queued, to: .running) }
        try counts.write(db)
        return claimed
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

    /// Applies outcomes whose worker still holds the lease; also says whether any job went back
    /// to the queue, so waiting workers are woken.
    private static func complete(_ outcomes: [JobOutcome], in db: Database) throws -> (Set<JobID>, Bool) {
        var applied: Set<JobID> = []
        var requeued = false
        var counts = SQLiteCounts()
        var completions: [(outcome: JobOutcome, result: Data)] = []
        let held = """
            , lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND state = 'running' AND lease_owner = ? RETURNING queue
            """
        for outcome in outcomes {
            let (sql, arguments): (String, StatementArguments)
            switch outcome.resolution {
            case .completed(let result):
                completions.append((outcome, result))
                continue
            case .failed(let failure):
                (sql, arguments) = ("UPDATE jobs SET state = 'failed', error = ?, error_permanent = ?, finished_at = ?",
                                    [failure.message, failure.permanent, SQLiteColumns.micros(outcome.finishedAt)])
            case .retry(let date, let failure):
                (sql, arguments) = ("UPDATE jobs SET state = 'scheduled', error = ?, error_permanent = ?, run_at = ?",
                                    [failure.message, failure.permanent, SQLiteColumns.micros(date)])
            case .runAgain(let date, _):
                (sql, arguments) = ("UPDATE jobs SET state = 'scheduled', attempts = attempts - 1, run_at = ?", [SQLiteColumns.micros(date)])
            case .released:
                (sql, arguments) = ("UPDATE jobs SET state = 'queued', attempts = attempts - 1", [])
                requeued = true
            }
            let statement = try db.cachedStatement(sql: sql + held)
            guard let queue = try String.fetchOne(statement, arguments: arguments + [outcome.jobID.bytes, outcome.workerID]) else {
                continue
            }
            applied.insert(outcome.jobID)
            counts.move(queue: queue, from: .running, to: outcome.status)
            if outcome.status == .failed { counts.finishedAt(outcome.finishedAt) }
        }
        // Completions, the common case, go in chunks of one statement each.
        var rest = completions[...]
        while !rest.isEmpty {
            let size = Self.chunkSize(rest.count)
            var arguments = StatementArguments()
            for (outcome, result) in rest.prefix(size) {
                arguments += [outcome.jobID.bytes, outcome.workerID, result, SQLiteColumns.micros(outcome.finishedAt)]
            }
            let cursor = try Row.fetchCursor(db.cachedStatement(sql: Self.completeSQL(rows: size)), arguments: arguments)
            var done: [JobID: String] = [:]
            while let row = try cursor.next() {
                if let id = JobID(bytes: row[0]) { done[id] = row[1] }
            }
            for (outcome, _) in rest.prefix(size) {
                guard let queue = done[outcome.jobID] else { continue }
                applied.insert(outcome.jobID)
                counts.move(queue: queue, from: .running, to: .completed)
                counts.finishedAt(outcome.finishedAt)
            }
            rest = rest.dropFirst(size)
        }
        try counts.write(db)
        return (applied, requeued && !applied.isEmpty)
    }

    /// Completes `rows` jobs in one statement; each row is (id, worker, result, finished_at).
    static func completeSQL(rows: Int) -> String {
        """
        UPDATE jobs SET state = 'completed', result = v.column3, error = NULL, error_permanent = NULL, progress_percent = 100,
            finished_at = v.column4, lease_owner = NULL, lease_expires_at = NULL
        FROM (VALUES \(Array(repeating: "(?, ?, ?, ?)", count: rows).joined(separator: ", "))) AS v
        WHERE jobs.id = v.column1 AND jobs.state = 'running' AND jobs.lease_owner = v.column2
        RETURNING id, queue
        """
    }

    /// Chunks of 64, 32, …, 1 rows: a handful of statement shapes, each prepared once and cached.
    static func chunkSize(_ count: Int) -> Int {
        min(64, 1 << (Int.bitWidth - 1 - count.leadingZeroBitCount))
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
            let queues = try String.fetchAll(
                db.cachedStatement(sql: "UPDATE jobs SET state = 'queued' WHERE state = 'scheduled' AND run_at <= ? RETURNING queue"),
                arguments: [SQLiteColumns.micros(now)])
            var counts = SQLiteCounts()
            for queue in queues { counts.move(queue: queue, from: .scheduled, to: .queued) }
            try counts.write(db)
            return queues.count
        }
        if promoted > 0 { wakeup.signal() }
        return promoted
    }

    public func rescueExpiredLeases(now: Date) async throws -> Int {
        let rescued = try await write { db in
            // run_at is kept, so a rescued job is claimed before newer ones.
            let rescue = try db.cachedStatement(sql: """
                UPDATE jobs SET
                    state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
                    error = CASE WHEN attempts >= max_attempts
                        THEN 'Worker lost during attempt ' || attempts || ' of ' || max_attempts || ' (lease expired)'
                        ELSE 'Worker lost during attempt ' || attempts || ' (lease expired); re-queued' END,
                    error_permanent = 0,
                    finished_at = CASE WHEN attempts >= max_attempts THEN ?1 ELSE NULL END,
                    lease_owner = NULL, lease_expires_at = NULL
                WHERE \(SQLiteColumns.stateCondition(.running)) AND (lease_expires_at IS NULL OR lease_expires_at < ?1)
                RETURNING queue, state
                """)
            var counts = SQLiteCounts()
            let rows = try Row.fetchAll(rescue, arguments: [SQLiteColumns.micros(now)])
            for row in rows {
                let state = JobStatus(rawValue: row[1]) ?? .queued
                counts.move(queue: row[0], from: .running, to: state)
                if state == .failed { counts.finishedAt(now) }
            }
            try counts.write(db)
            return rows.count
        }
        if rescued > 0 { wakeup.signal() }
        return rescued
    }
}
