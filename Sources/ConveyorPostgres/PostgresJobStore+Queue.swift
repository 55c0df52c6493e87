public import Conveyor
import ConveyorPostgresConnection
public import Foundation
import NIOCore
import PostgresNIO

extension PostgresJobStore {
    public func enqueue(_ newJobs: [NewJob], limits: EnqueueLimits) async throws -> [EnqueueResult] {
        guard !newJobs.isEmpty else { return [] }
        // A dedup key another node committed between our check and our insert: run again, and
        // the second time its job is found and returned.
        var attempt = 1
        while true {
            do {
                let results = try await transaction("enqueue") { connection in
                    try await self.enqueue(newJobs, limits: limits, on: connection)
                }
                if results.contains(where: { !$0.deduplicated }) { wakeup.signal() }
                return results
            } catch is PostgresRetry {
                guard attempt < 3 else {
                    throw ConveyorError(.conflict, "Other nodes kept enqueuing jobs with these dedup keys at the same moment; try again")
                }
                attempt += 1
            }
        }
    }

    func enqueue(_ newJobs: [NewJob], limits: EnqueueLimits, on connection: PostgresConnection) async throws -> [EnqueueResult] {
        let scoped = newJobs.compactMap(\.dedupScope)
        var holders: [DedupScope: Job] = [:]
        if !scoped.isEmpty {
            let rows = try await connection.query("""
                SELECT \(unescaped: PostgresColumns.job) FROM conveyor_jobs
                WHERE (COALESCE(owner, ''), dedup_key) IN (SELECT * FROM unnest(\(scoped.map { $0.owner ?? "" })::text[], \(scoped.map(\.key))::text[]))
                    AND dedup_key IS NOT NULL AND state NOT IN \(unescaped: PostgresColumns.terminalStates)
                """, logger: logger)
            for job in try await PostgresColumns.jobs(rows) { if let scope = job.dedupScope { holders[scope] = job } }
        }
        var plan = EnqueuePlan(newJobs) { holders[$0] }
        let wanted = Array(Set(newJobs.flatMap(\.dependsOn)))
        if !wanted.isEmpty {
            // Marking them locks them until commit: a worker settling one now either finished it
            // first (and we read it ended) or waits, then finds it marked and tells our job.
            let rows = try await connection.query("""
                UPDATE conveyor_jobs SET has_dependents = true WHERE id = ANY(\(wanted.map(\.uuid))::uuid[])
                RETURNING \(unescaped: PostgresColumns.job)
                """, logger: logger)
            let found = Dictionary(try await PostgresColumns.jobs(rows).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            try plan.resolveDependencies(of: newJobs, stored: { found[$0] }, now: Date())
        }
        guard plan.addedCount > 0, limits != .none else { return try await insert(plan, on: connection) }
        // Enqueuers under one limit take turns, so two of them cannot both fit in the last slot.
        var locks: [String] = []
        if limits.maxQueueSize != nil { locks += plan.added.keys.map { "conveyor.queue:" + $0 } }
        if limits.maxUnfinished != nil { locks.append("conveyor.all") }
        if limits.maxUnfinishedPerOwner != nil { locks += plan.addedByOwner.keys.map { "conveyor.owner:" + $0 } }
        try await connection.execute("""
            SELECT pg_advisory_xact_lock(hashtext(k)) FROM unnest(\(locks.sorted())::text[]) AS k ORDER BY k
            """, logger: logger)
        var waiting: [String: Int] = [:]
        var unfinished = 0
        var owned: [String: Int] = [:]
        if limits.maxQueueSize != nil {
            let rows = try await connection.query("""
                SELECT queue, sum(n)::bigint FROM conveyor_job_counts
                WHERE queue = ANY(\(Array(plan.added.keys))) AND state IN ('queued', 'scheduled', 'waiting') GROUP BY queue
                """, logger: logger)
            for try await (queue, n) in rows.decode((String, Int).self) { waiting[queue] = n }
        }
        if limits.maxUnfinished != nil {
            unfinished = try await scalar("""
                SELECT coalesce(sum(n), 0)::bigint FROM conveyor_job_counts WHERE state NOT IN \(unescaped: PostgresColumns.terminalStates)
                """, as: Int.self, on: connection) ?? 0
        }
        if limits.maxUnfinishedPerOwner != nil {
            let rows = try await connection.query("""
                SELECT owner, count(*)::bigint FROM conveyor_jobs
                WHERE owner = ANY(\(Array(plan.addedByOwner.keys))) AND state NOT IN \(unescaped: PostgresColumns.terminalStates) GROUP BY owner
                """, logger: logger)
            for try await (owner, n) in rows.decode((String, Int).self) { owned[owner] = n }
        }
        try plan.checkCapacity(limits, waiting: { waiting[$0] ?? 0 }, unfinished: { unfinished }, owned: { owned[$0] ?? 0 })
        return try await insert(plan, on: connection)
    }

    /// Writes the plan's new jobs and wakes workers when one is ready now.
    func insert(_ plan: EnqueuePlan, on connection: PostgresConnection) async throws -> [EnqueueResult] {
        let jobs = plan.newJobs
        guard !jobs.isEmpty else { return plan.results }
        do {
            try await connection.execute("""
                INSERT INTO conveyor_jobs (id, type, queue, state, priority, payload, max_attempts, owner, dedup_key, timeout_ms, created_at, run_at,
                    batch_id)
                SELECT id, type, queue, state, priority, payload, max_attempts, CASE WHEN has_owner THEN owner END,
                    CASE WHEN has_dedup THEN dedup END, timeout_ms, created_at, run_at, CASE WHEN in_batch THEN batch END
                FROM unnest(\(jobs.map(\.id.uuid))::uuid[], \(jobs.map(\.type))::text[], \(jobs.map(\.queue))::text[],
                    \(jobs.map(\.status.rawValue))::text[], \(jobs.map(\.priority.rank))::int8[],
                    \(jobs.map { ByteBuffer(bytes: $0.payload) })::bytea[], \(jobs.map(\.maxAttempts))::int8[],
                    \(jobs.map { $0.owner ?? "" })::text[], \(jobs.map { $0.owner != nil })::bool[],
                    \(jobs.map { $0.dedupKey ?? "" })::text[], \(jobs.map { $0.dedupKey != nil })::bool[],
                    \(jobs.map { Int($0.timeout.milliseconds) })::int8[], \(jobs.map(\.createdAt))::timestamptz[],
                    \(jobs.map(\.scheduledAt))::timestamptz[], \(jobs.map { $0.batch != nil })::bool[], \(jobs.map { ($0.batch?.id ?? $0.id).uuid })::uuid[])
                    AS v(id, type, queue, state, priority, payload, max_attempts, owner, has_owner, dedup, has_dedup, timeout_ms, created_at, run_at,
                        in_batch, batch)
                """, logger: logger)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            if error.serverInfo?[.constraintName] == "conveyor_jobs_dedup" { throw PostgresRetry() }
            throw ConveyorError(.conflict, "A job with one of these ids already exists")
        }
        try await recordDependencies(of: jobs.filter { !$0.dependsOn.isEmpty || $0.flow != nil }, waits: plan.waits, on: connection)
        if jobs.contains(where: { $0.status == .queued }) { try await notifyReady(on: connection) }
        return plan.results
    }

    public func claim(_ request: ClaimRequest) async throws -> [Job] {
        guard request.limit > 0, !request.priorityOrder.isEmpty else { return [] }
        return try await settle([], andClaim: request, doing: "claim").claimed
    }

    public func complete(_ outcomes: [JobOutcome]) async throws -> Set<JobID> {
        guard !outcomes.isEmpty else { return [] }
        return try await settle(outcomes, andClaim: nil, doing: "complete").applied
    }

    public func complete(_ outcomes: [JobOutcome], andClaim request: ClaimRequest) async throws -> (applied: Set<JobID>, claimed: [Job]) {
        let claiming = request.limit > 0 && !request.priorityOrder.isEmpty
        return try await settle(outcomes, andClaim: claiming ? request : nil, doing: "complete and claim")
    }

    /// A worker's turn (``PostgresTurn``) as one statement, so one round trip and one commit.
    private func settle(_ outcomes: [JobOutcome], andClaim request: ClaimRequest?, doing action: String)
        async throws -> (applied: Set<JobID>, claimed: [Job])
    {
        let turn = PostgresTurn(outcomes, request, origin: origin)
        // Prepared once per connection, so PostgreSQL stops planning the statement every turn
        // (a sixth of its time); not with notify=off, the mode for PgBouncer's transaction
        // pooling, where a prepared statement may not be on the next transaction's connection.
        let prepared = options.notifications
        let (applied, requeued, claimed) = try await statement(action) { connection in
            var applied: Set<JobID> = []
            var requeued = false
            var claimed: [Job] = []
            func take(_ row: PostgresRow) throws {
                let columns = row.makeRandomAccess()
                if applied.isEmpty, let ids = try columns[0].decode([UUID]?.self) {
                    applied = Set(ids.map(JobID.init))
                    requeued = try columns[1].decode(Bool.self)
                }
                if try columns[2].decode(UUID?.self) != nil {
                    claimed.append(try PostgresColumns.job(from: row, offset: 2))
                }
            }
            switch (prepared, turn.onlyQueues) {
            case (true, false): for try await row in try await connection.execute(turn.inEveryQueue, logger: self.logger) { try take(row) }
            case (true, true): for try await row in try await connection.execute(turn.inSomeQueues, logger: self.logger) { try take(row) }
            case (false, _): for try await row in try await connection.query(turn.query, logger: self.logger) { try take(row) }
            }
            return (applied, requeued, claimed)
        }
        // What the statement left: jobs others wait on (and outcomes whose lease is gone, which
        // settle(_:with:) leaves alone) go the long way, so their dependents move with them.
        let left = outcomes.filter { !applied.contains($0.jobID) }
        var settledLater: Set<JobID> = []
        if !left.isEmpty {
            settledLater = try await transaction("settle jobs others wait on") { connection in
                try await self.settleWithDependents(left, on: connection)
            }
        }
        if requeued || !settledLater.isEmpty { wakeup.signal() }
        let appliedAll = applied.union(settledLater)
        guard let request else { return (appliedAll, []) }
        // RETURNING gives rows in no particular order: restore the priority order, FIFO within each.
        let position = Dictionary(uniqueKeysWithValues: request.priorityOrder.enumerated().map { ($1, $0) })
        let ordered = claimed.sorted {
            (position[$0.priority] ?? 0, $0.scheduledAt, $0.id) < (position[$1.priority] ?? 0, $1.scheduledAt, $1.id)
        }
        return (appliedAll, ordered)
    }

    public func heartbeat(workerID: String, jobs ids: [JobID], leaseExpiresAt: Date) async throws -> Set<JobID> {
        guard !ids.isEmpty else { return [] }
        let held = try await statement("renew leases") { connection in
            var held: Set<JobID> = []
            let rows = try await connection.query("""
                UPDATE conveyor_jobs SET lease_expires_at = \(leaseExpiresAt)
                WHERE id = ANY(\(ids.map(\.uuid))::uuid[]) AND \(unescaped: PostgresColumns.isRunning()) AND lease_owner = \(workerID)
                RETURNING id
                """, logger: self.logger)
            for try await id in rows.decode(UUID.self) { held.insert(JobID(id)) }
            return held
        }
        return Set(ids).subtracting(held)
    }

    /// Keeps the latest progress and, unless notifications are off, NOTIFYs it in the same
    /// statement so servers on other machines can show it (while one listens: ``PostgresEventListeners``).
    public func recordProgress(_ updates: [JobID: JobProgress]) async throws {
        guard !updates.isEmpty else { return }
        let entries = Array(updates)
        let notify = options.notifications
        let origin = origin
        try await statement("record progress") { connection in
            try await connection.execute("""
                WITH me AS (SELECT \(origin)::text AS origin), updated AS (
                    UPDATE conveyor_jobs j SET progress_percent = v.percent,
                        progress_stage = CASE WHEN v.has_stage THEN v.stage END, progress_message = CASE WHEN v.has_message THEN v.message END
                    FROM unnest(\(entries.map(\.key.uuid))::uuid[], \(entries.map(\.value.percent))::float8[],
                        \(entries.map { $0.value.stage ?? "" })::text[], \(entries.map { $0.value.stage != nil })::bool[],
                        \(entries.map { $0.value.message ?? "" })::text[], \(entries.map { $0.value.message != nil })::bool[])
                        AS v(id, percent, stage, has_stage, message, has_message)
                    WHERE j.id = v.id AND \(unescaped: PostgresColumns.isRunning("j"))
                    RETURNING j.id, j.type, j.progress_percent, j.progress_stage, j.progress_message, j.sequence)
                SELECT count(pg_notify(\(PostgresProgressNotice.channel), json_build_object(
                    'origin', (SELECT origin FROM me), 'id', id, 'type', type, 'percent', progress_percent, 'stage', progress_stage,
                    'message', left(progress_message, 2000), 'sequence', sequence)::text))
                FROM updated WHERE \(notify) AND \(unescaped: PostgresEventListeners.othersListen(origin: "(SELECT origin FROM me)"))
                """, logger: self.logger)
        }
    }

    public func promoteDueJobs(now: Date) async throws -> Int {
        let promoted = try await transaction("promote due jobs") { connection in
            let promoted = try await self.scalar("""
                WITH due AS (
                    UPDATE conveyor_jobs SET state = 'queued', sequence = sequence + 1 WHERE state = 'scheduled' AND run_at <= \(now) RETURNING 1)
                SELECT count(*) FROM due
                """, as: Int.self, on: connection) ?? 0
            if promoted > 0 { try await self.notifyReady(on: connection) }
            return promoted
        }
        if promoted > 0 { wakeup.signal() }
        return promoted
    }

    public func rescueExpiredLeases(now: Date) async throws -> Int {
        let rescued = try await transaction("rescue expired leases") { connection in
            // Rows another node is rescuing (or a worker is settling) are left to it.
            let rows = try await connection.query("""
                SELECT \(unescaped: PostgresColumns.job) FROM conveyor_jobs
                WHERE state = 'running' AND (lease_expires_at IS NULL OR lease_expires_at < \(now))
                FOR UPDATE SKIP LOCKED
                """, logger: self.logger)
            let lapsed = try await PostgresColumns.jobs(rows)
            var ended: [Job] = []
            for job in lapsed {
                let rescued = JobTransitions.rescue(job, now: now)
                try await self.write(rescued, from: job, on: connection)
                if rescued.status.isTerminal { ended.append(rescued) }
            }
            try await self.releaseDependents(of: ended, now: now, on: connection)
            if !lapsed.isEmpty { try await self.notifyReady(on: connection) }
            return lapsed.count
        }
        if rescued > 0 { wakeup.signal() }
        return rescued
    }
}
