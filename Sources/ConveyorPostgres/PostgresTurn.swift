import Conveyor
import Foundation
import NIOCore
import PostgresNIO

/// A worker's turn as one statement: outcomes applied where the worker still holds the lease,
/// then (with a claim request) the oldest ready jobs claimed in priority order. The text is the
/// same every turn — only the bindings change — so it can be a prepared statement, planned once
/// per connection; there are two texts, for "every queue" and "these queues".
struct PostgresTurn: Sendable {
    let bindings: PostgresBindings
    let onlyQueues: Bool

    /// `origin`: the sending store, named in the notices of jobs that ended.
    init(_ outcomes: [JobOutcome], _ request: ClaimRequest?, origin: String) {
        // Each outcome's effect, column by column; arrays cannot hold NULLs here, so every value
        // that may be absent travels with a flag.
        let effects = outcomes.map(OutcomeEffect.init)
        var binds = PostgresBindings()
        binds.append(outcomes.map(\.jobID.uuid))
        binds.append(outcomes.map(\.workerID))
        binds.append(effects.map(\.status.rawValue))
        binds.append(effects.map(\.attemptsChange))
        binds.append(effects.map(\.keepsError))
        binds.append(effects.map { $0.error != nil })
        binds.append(effects.map { $0.error?.message ?? "" })
        binds.append(effects.map { $0.error?.code.rawValue ?? "" })
        binds.append(effects.map { $0.error?.isPermanent ?? false })
        binds.append(effects.map { $0.result != nil })
        binds.append(effects.map { ByteBuffer(bytes: $0.result ?? Data()) })
        binds.append(effects.map { $0.runAt != nil })
        binds.append(effects.map { $0.runAt ?? Date(timeIntervalSince1970: 0) })
        binds.append(effects.map { $0.finishedAt != nil })
        binds.append(effects.map { $0.finishedAt ?? Date(timeIntervalSince1970: 0) })
        binds.append(effects.map { $0.progressPercent != nil })
        binds.append(effects.map { $0.progressPercent ?? 0 })
        binds.append(effects.map { $0.failureEntry ?? "" })
        binds.append(request?.priorityOrder.map(\.rank) ?? [])
        binds.append(request?.limit ?? 0)
        binds.append(request?.now ?? Date())
        binds.append(request?.workerID ?? "")
        binds.append(request?.leaseExpiresAt ?? Date())
        binds.append(origin)
        if let queues = request?.queues { binds.append(queues) }
        bindings = binds
        onlyQueues = request?.queues != nil
    }

    /// As a plain query, parsed and planned by the server each time.
    var query: PostgresQuery { PostgresQuery(unsafeSQL: onlyQueues ? Self.someQueuesSQL : Self.everyQueueSQL, binds: bindings) }
    var inEveryQueue: EveryQueue { EveryQueue(bindings: bindings) }
    var inSomeQueues: SomeQueues { SomeQueues(bindings: bindings) }

    /// The prepared form claiming from every queue.
    struct EveryQueue: PostgresPreparedStatement {
        static let sql = PostgresTurn.everyQueueSQL
        let bindings: PostgresBindings
        func makeBindings() -> PostgresBindings { bindings }
        func decodeRow(_ row: PostgresRow) -> PostgresRow { row }
    }

    /// The prepared form claiming only from the worker's queues (`$25`).
    struct SomeQueues: PostgresPreparedStatement {
        static let sql = PostgresTurn.someQueuesSQL
        let bindings: PostgresBindings
        func makeBindings() -> PostgresBindings { bindings }
        func decodeRow(_ row: PostgresRow) -> PostgresRow { row }
    }

    static let everyQueueSQL = sql(onlyQueues: false)
    static let someQueuesSQL = sql(onlyQueues: true)

    /// The two parts touch disjoint rows (running ones, queued ones), so sharing one snapshot is
    /// safe. For each unpaused queue holding ready jobs and each priority, the claim index gives
    /// the first `limit` rows, locked with SKIP LOCKED so rows another claimer holds are passed
    /// over, never waited for; the union is cut to `limit`. The ids of the jobs settled come in
    /// the first row only (not repeated in every claimed row).
    ///
    /// The statement keeps the job counters itself — it knows every move it makes (running →
    /// its outcome's state, queued → running) — and tells the counting trigger to skip it
    /// (``PostgresSchema/countedSetting``): the trigger's work over the statement's transition
    /// tables was a fifth of PostgreSQL's time per turn.
    private static func sql(onlyQueues: Bool) -> String {
        """
        WITH done AS (
            UPDATE conveyor_jobs j SET
                state = v.state, attempts = j.attempts + v.attempts_change,
                error = CASE WHEN v.keeps_error THEN j.error WHEN v.has_error THEN v.error END,
                error_code = CASE WHEN v.keeps_error THEN j.error_code WHEN v.has_error THEN v.code END,
                error_permanent = CASE WHEN v.keeps_error THEN j.error_permanent WHEN v.has_error THEN v.permanent END,
                result = CASE WHEN v.has_result THEN v.result END,
                run_at = CASE WHEN v.has_run_at THEN v.run_at ELSE j.run_at END,
                finished_at = CASE WHEN v.has_finished THEN v.finished_at END,
                progress_percent = CASE WHEN v.has_progress THEN v.progress ELSE j.progress_percent END,
                attempt_log = CASE WHEN v.failure = '' THEN j.attempt_log ELSE (coalesce(j.attempt_log, '[]')::jsonb || jsonb_build_array(
                    v.failure::jsonb || jsonb_build_object('attempt', j.attempts, 'startedAt', extract(epoch FROM j.started_at))))::text END,
                sequence = j.sequence + 1, lease_expires_at = NULL
            FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int8[], $5::bool[], $6::bool[], $7::text[], $8::text[], $9::bool[],
                    $10::bool[], $11::bytea[], $12::bool[], $13::timestamptz[], $14::bool[], $15::timestamptz[], $16::bool[], $17::float8[],
                    $18::text[])
                AS v(id, worker, state, attempts_change, keeps_error, has_error, error, code, permanent, has_result, result,
                    has_run_at, run_at, has_finished, finished_at, has_progress, progress, failure)
            WHERE j.id = v.id AND \(PostgresColumns.isRunning("j")) AND j.lease_owner = v.worker AND NOT j.has_dependents
            RETURNING j.id, j.queue, j.state, j.finished_at, j.sequence, CASE WHEN j.batch_callback IS NULL THEN j.batch_id END AS batch_id
        ), batched AS (
            SELECT coalesce(sum(conveyor_batch_ended(batch_id, states, at)), 0) AS n FROM (
                SELECT batch_id, array_agg(state) AS states, max(finished_at) AS at FROM done
                WHERE batch_id IS NOT NULL AND state IN \(PostgresColumns.terminalStates) GROUP BY batch_id ORDER BY batch_id) ended
        ), settled AS (
            SELECT array_agg(id) AS ids, coalesce(bool_or(state = 'queued'), false) OR (SELECT n FROM batched) > 0 AS requeued,
                CASE WHEN bool_or(state = 'queued') OR (SELECT n FROM batched) > 0 THEN pg_notify('\(PostgresListener.channel)', '') END AS notified,
                (SELECT n FROM batched) AS batched,
                set_config('\(PostgresSchema.countedSetting)', 'on', true) AS counted,
                \(PostgresFinishedNotice.send(endedIn: "done", origin: "$24::text")) AS told
            FROM done
        ), ready AS (
            SELECT queue FROM conveyor_job_counts WHERE state = 'queued' \(onlyQueues ? "AND queue = ANY($25::text[])" : "") GROUP BY queue HAVING sum(n) > 0
            EXCEPT SELECT queue FROM conveyor_paused_queues
        ), picked AS (
            SELECT c.id FROM ready
            CROSS JOIN unnest($19::int8[]) WITH ORDINALITY AS p(rank, ord)
            CROSS JOIN LATERAL (
                SELECT id, run_at FROM conveyor_jobs
                WHERE state = 'queued' AND queue = ready.queue AND priority = p.rank
                ORDER BY run_at, id LIMIT $20 FOR UPDATE SKIP LOCKED
            ) c
            ORDER BY p.ord, c.run_at, c.id LIMIT $20
        ), claimed AS (
            UPDATE conveyor_jobs j SET state = 'running', attempts = j.attempts + 1, started_at = $21, lease_owner = $22,
                lease_expires_at = $23, progress_percent = 0, progress_stage = NULL, progress_message = NULL, sequence = j.sequence + 1
            FROM picked WHERE j.id = picked.id
            RETURNING \(PostgresColumns.job(qualifiedBy: "j"))
        ), counted AS (
            INSERT INTO conveyor_job_counts (queue, state, shard, n)
            SELECT queue, state, \(PostgresSchema.counterShard), sum(d) FROM (
                SELECT queue, 'running' AS state, -1 AS d FROM done UNION ALL SELECT queue, state, 1 FROM done
                UNION ALL SELECT queue, 'queued', -1 FROM claimed UNION ALL SELECT queue, 'running', 1 FROM claimed) moves
            GROUP BY queue, state HAVING sum(d) <> 0 ORDER BY queue, state
            ON CONFLICT (queue, state, shard) DO UPDATE SET n = conveyor_job_counts.n + excluded.n
        ), finished AS (
            INSERT INTO conveyor_finished_seconds (second, shard, n)
            SELECT floor(extract(epoch FROM finished_at))::bigint, \(PostgresSchema.counterShard), count(*) FROM done
            WHERE state IN ('completed', 'failed') GROUP BY 1 ORDER BY 1
            ON CONFLICT (second, shard) DO UPDATE SET n = conveyor_finished_seconds.n + excluded.n
        )
        SELECT CASE WHEN row_number() OVER () = 1 THEN settled.ids END, settled.requeued, claimed.*
        FROM settled LEFT JOIN claimed ON true
        """
    }
}
