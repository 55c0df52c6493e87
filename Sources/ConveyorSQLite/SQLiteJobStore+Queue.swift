public import Conveyor
public import Foundation
import GRDB

extension SQLiteJobStore {
    public func enqueue(_ newJobs: [NewJob], limits: EnqueueLimits) async throws -> [EnqueueResult] {
        guard !newJobs.isEmpty else { return [] }
        let origin = events.origin
        let results = try await write { db in
            var plan = try EnqueuePlan(newJobs) { scope in
                try Row.fetchOne(db.cachedStatement(sql: Self.dedupHolder), arguments: [scope.owner ?? "", scope.key]).map(SQLiteColumns.job(from:))
            }
            try plan.resolveDependencies(of: newJobs, stored: { try Self.job($0, in: db) }, now: Date())
            try Self.checkCapacity(of: plan, limits, in: db)
            var counts = SQLiteCounts()
            try Self.insert(plan.newJobs, counts: &counts, in: db)
            try Self.recordWaits(plan.waits, in: db)
            try counts.write(db)
            let ended = plan.newJobs.filter(\.status.isTerminal)
            try SQLiteEventFeed.recordEnded(ended.map { ($0.id, $0.status, $0.sequence) }, origin: origin, in: db)
            return plan.results
        }
        if results.contains(where: { !$0.deduplicated }) { wakeup.signal() }
        return results
    }

    /// Throws when the plan's new jobs would pass one of `limits`, counting from the table's counters.
    static func checkCapacity(of plan: EnqueuePlan, _ limits: EnqueueLimits, in db: Database) throws {
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
    }

    /// Writes new jobs, moving `counts` for each (the caller writes them).
    static func insert(_ jobs: [Job], counts: inout SQLiteCounts, in db: Database) throws {
        let insert = try db.cachedStatement(sql: """
            INSERT INTO jobs (id, type, queue, state, priority, payload, max_attempts, owner, dedup_key, timeout_ms, created_at, run_at,
                batch_id, batch_callback)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for job in jobs {
            counts.move(queue: job.queue, from: nil, to: job.status)
            do {
                try insert.execute(arguments: [
                    job.id.bytes, job.type, job.queue, job.status.rawValue, job.priority.rank, job.payload, job.maxAttempts,
                    job.owner, job.dedupKey, job.timeout.milliseconds, SQLiteColumns.micros(job.createdAt),
                    SQLiteColumns.micros(job.scheduledAt), job.batch?.id.bytes, job.batch?.callback?.rawValue,
                ])
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                throw ConveyorError(.conflict, "A job with id \(job.id) already exists")
            }
            if !job.dependsOn.isEmpty || job.flow != nil { try recordDependencies(of: job, in: db) }
        }
    }

    /// The unfinished job holding a dedup key in an owner's scope (the `jobs_dedup` index's expression).
    static let dedupHolder =
        "SELECT \(SQLiteColumns.job) FROM jobs WHERE IFNULL(owner, '') = ? AND dedup_key = ? AND state NOT IN \(SQLiteColumns.terminalStates)"

    public func claim(_ request: ClaimRequest) async throws -> [Job] {
        try await write { db in try Self.claim(request, in: db) }
    }

    public func complete(_ outcomes: [JobOutcome]) async throws -> Set<JobID> {
        guard !outcomes.isEmpty else { return [] }
        let origin = events.origin
        let (applied, requeued) = try await write { db in try Self.complete(outcomes, origin: origin, in: db) }
        if requeued { wakeup.signal() }
        return applied
    }

    /// Both in one transaction: one commit and one trip to the writer per worker turn.
    public func complete(_ outcomes: [JobOutcome], andClaim request: ClaimRequest) async throws -> (applied: Set<JobID>, claimed: [Job]) {
        let origin = events.origin
        let (applied, requeued, claimed) = try await write { db in try Self.turn(outcomes, andClaim: request, origin: origin, in: db) }
        if requeued { wakeup.signal() }
        return (applied, claimed)
    }

    static func turn(_ outcomes: [JobOutcome], andClaim request: ClaimRequest, origin: String, in db: Database) throws -> (Set<JobID>, Bool, [Job]) {
        let (applied, requeued) = try Self.complete(outcomes, origin: origin, in: db)
        return (applied, requeued, try Self.claim(request, in: db))
    }

    private static func claim(_ request: ClaimRequest, in db: Database) throws -> [Job] {
        // Read under the write lock: after whatever commit released the jobs it finds.
        let request = request.taken(at: Date())
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
                progress_percent = 0, progress_stage = NULL, progress_message = NULL, sequence = sequence + 1
            WHERE id IN (SELECT id FROM (\(perQueue.joined(separator: " UNION ALL "))) ORDER BY run_at, id LIMIT ?)
            RETURNING \(SQLiteColumns.job)
            """
    }

    /// Applies outcomes whose worker still holds the lease, as their ``OutcomeEffect``s say, in
    /// chunks of one statement each, recording the jobs that ended for other processes; also says
    /// whether any job went back to the queue, so waiting workers are woken.
    private static func complete(_ outcomes: [JobOutcome], origin: String, in db: Database) throws -> (Set<JobID>, Bool) {
        var applied: Set<JobID> = []
        var requeued = false
        var ended: [(id: JobID, status: JobStatus, sequence: Int)] = []
        var counts = SQLiteCounts()
        var batchEnds: [JobID: [JobStatus]] = [:]
        var rest = outcomes[...]
        while !rest.isEmpty {
            let size = Self.chunkSize(rest.count)
            var arguments = StatementArguments()
            for outcome in rest.prefix(size) {
                let effect = OutcomeEffect(outcome)
                arguments += [
                    outcome.jobID.bytes, outcome.workerID, effect.status.rawValue, effect.attemptsChange, effect.keepsError,
                    effect.error?.message, effect.error?.code.rawValue, effect.error?.isPermanent, effect.result,
                    effect.runAt.map(SQLiteColumns.micros), effect.finishedAt.map(SQLiteColumns.micros), effect.progressPercent,
                    effect.failureEntry,
                ]
            }
            let cursor = try Row.fetchCursor(db.cachedStatement(sql: Self.completeSQL(rows: size)), arguments: arguments)
            while let row = try cursor.next() {
                guard let id = JobID(bytes: row[0]), let status = JobStatus(rawValue: row[2]) else { continue }
                applied.insert(id)
                counts.move(queue: row[1], from: .running, to: status)
                if let finished = row[3] as Int64? { counts.finishedAt(SQLiteColumns.date(finished)) }
                if status == .queued { requeued = true }
                // Ended, or waiting for a retry: other processes' clients hear of both.
                if JobStateChange.isTold(from: .running, to: status) { ended.append((id, status, row[4])) }
                // A batch's own job (not one of its callbacks) that ended moves the batch. (SQLite 3.40
                // returns NULL for a CASE over the row in UPDATE … FROM … RETURNING: decided here.)
                if status.isTerminal, (row[6] as String?) == nil, let batch = (row[5] as Data?).flatMap(JobID.init(bytes:)) {
                    batchEnds[batch, default: []].append(status)
                }
            }
            rest = rest.dropFirst(size)
        }
        try counts.write(db)
        try SQLiteEventFeed.recordEnded(ended, origin: origin, in: db)
        for (batch, statuses) in batchEnds where try batchJobsEnded(batch, statuses, at: Date(), origin: origin, in: db) { requeued = true }
        // What the statement left: jobs others wait on (and outcomes whose lease is gone, which
        // settle(_:with:) leaves alone) go the long way, so their dependents move with them.
        let left = outcomes.filter { !applied.contains($0.jobID) }
        if !left.isEmpty {
            let (settled, released) = try settleWithDependents(left, origin: origin, in: db)
            applied.formUnion(settled)
            requeued = requeued || released
        }
        return (applied, requeued)
    }

    /// Settles `rows` jobs in one statement; each row is (id, worker, then an ``OutcomeEffect``'s
    /// values: state, attempts change, keeps error, error, code, permanent, result, run at,
    /// finished at, progress percent, failure entry). The failure entry gets its attempt and start
    /// from the row itself. The worker stays in `lease_owner`: the job ran there.
    static func completeSQL(rows: Int) -> String {
        """
        UPDATE jobs SET state = v.column3, attempts = attempts + v.column4,
            attempt_log = CASE WHEN v.column13 IS NULL THEN jobs.attempt_log ELSE json_insert(coalesce(jobs.attempt_log, '[]'), '$[#]',
                json_set(v.column13, '$.attempt', jobs.attempts, '$.startedAt', jobs.started_at / 1000000.0)) END,
            error = CASE WHEN v.column5 THEN jobs.error ELSE v.column6 END,
            error_code = CASE WHEN v.column5 THEN jobs.error_code ELSE v.column7 END,
            error_permanent = CASE WHEN v.column5 THEN jobs.error_permanent ELSE v.column8 END,
            result = v.column9, run_at = coalesce(v.column10, jobs.run_at), finished_at = v.column11,
            progress_percent = coalesce(v.column12, jobs.progress_percent),
            sequence = sequence + 1, lease_expires_at = NULL
        FROM (VALUES \(Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", count: rows).joined(separator: ", "))) AS v
        WHERE jobs.id = v.column1 AND jobs.state = 'running' AND jobs.lease_owner = v.column2 AND jobs.has_dependents = 0
        RETURNING id, queue, state, finished_at, sequence, batch_id, batch_callback
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
        let origin = events.origin
        try await write { db in
            let record = try db.cachedStatement(sql: """
                UPDATE jobs SET progress_percent = ?, progress_stage = ?, progress_message = ? WHERE id = ? AND state = 'running'
                """)
            for (id, progress) in updates {
                try record.execute(arguments: [progress.percent, progress.stage, progress.message, id.bytes])
            }
            try SQLiteEventFeed.recordProgress(Array(updates.keys), origin: origin, in: db)
        }
    }

    public func promoteDueJobs(now: Date) async throws -> Int {
        let promoted = try await write { db in
            let queues = try String.fetchAll(
                db.cachedStatement(sql: "UPDATE jobs SET state = 'queued', sequence = sequence + 1 WHERE state = 'scheduled' AND run_at <= ? RETURNING queue"),
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
        let origin = events.origin
        let rescued = try await write { db in
            let lapsed = try SQLiteColumns.jobs(
                db.cachedStatement(sql: """
                    SELECT \(SQLiteColumns.job) FROM jobs
                    WHERE \(SQLiteColumns.stateCondition(.running)) AND (lease_expires_at IS NULL OR lease_expires_at < ?)
                    """),
                arguments: [SQLiteColumns.micros(now)])
            var ended: [Job] = []
            for job in lapsed {
                let rescued = JobTransitions.rescue(job, now: now)
                _ = try Self.write(rescued, from: job, origin: origin, in: db)
                if rescued.status.isTerminal { ended.append(rescued) }
            }
            _ = try Self.releaseDependents(of: ended, now: now, origin: origin, in: db)
            return lapsed.count
        }
        if rescued > 0 { wakeup.signal() }
        return rescued
    }
}
