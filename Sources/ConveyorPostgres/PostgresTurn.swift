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

    init(_ outcomes: [JobOutcome], _ request: ClaimRequest?) {
        var kinds: [String] = [], results: [ByteBuffer] = [], errors: [String] = [], permanents: [Bool] = [], times: [Date] = []
        for outcome in outcomes {
            var (result, failure, time) = (ByteBuffer(), JobFailure?.none, outcome.finishedAt)
            let kind: String
            switch outcome.resolution {
            case .completed(let data): (kind, result) = ("completed", ByteBuffer(bytes: data))
            case .failed(let reason): (kind, failure) = ("failed", reason)
            case .retry(let date, let reason): (kind, failure, time) = ("retry", reason, date)
            case .runAgain(let date, _): (kind, time) = ("run_again", date)
            case .released: kind = "released"
            }
            kinds.append(kind)
            results.append(result)
            errors.append(failure?.message ?? "")
            permanents.append(failure?.permanent ?? false)
            times.append(time)
        }
        var binds = PostgresBindings()
        binds.append(outcomes.map(\.jobID.uuid))
        binds.append(outcomes.map(\.workerID))
        binds.append(kinds)
        binds.append(results)
        binds.append(errors)
        binds.append(permanents)
        binds.append(times)
        binds.append(request?.priorityOrder.map(\.rank) ?? [])
        binds.append(request?.limit ?? 0)
        binds.append(request?.now ?? Date())
        binds.append(request?.workerID ?? "")
        binds.append(request?.leaseExpiresAt ?? Date())
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

    /// The prepared form claiming only from the worker's queues (`$13`).
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
                state = CASE v.kind WHEN 'completed' THEN 'completed' WHEN 'failed' THEN 'failed' WHEN 'released' THEN 'queued'
                    ELSE 'scheduled' END,
                result = CASE WHEN v.kind = 'completed' THEN v.result ELSE j.result END,
                error = CASE WHEN v.kind = 'completed' THEN NULL WHEN v.kind IN ('failed', 'retry') THEN v.error ELSE j.error END,
                error_permanent = CASE WHEN v.kind = 'completed' THEN NULL WHEN v.kind IN ('failed', 'retry') THEN v.permanent
                    ELSE j.error_permanent END,
                attempts = CASE WHEN v.kind IN ('run_again', 'released') THEN j.attempts - 1 ELSE j.attempts END,
                run_at = CASE WHEN v.kind IN ('retry', 'run_again') THEN v.at ELSE j.run_at END,
                finished_at = CASE WHEN v.kind IN ('completed', 'failed') THEN v.at ELSE j.finished_at END,
                progress_percent = CASE WHEN v.kind = 'completed' THEN 100 ELSE j.progress_percent END,
                lease_owner = NULL, lease_expires_at = NULL
            FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bytea[], $5::text[], $6::bool[], $7::timestamptz[])
                AS v(id, worker, kind, result, error, permanent, at)
            WHERE j.id = v.id AND \(PostgresColumns.isRunning("j")) AND j.lease_owner = v.worker
            RETURNING j.id, v.kind, j.queue, j.state, j.finished_at
        ), settled AS (
            SELECT array_agg(id) AS ids, coalesce(bool_or(kind = 'released'), false) AS requeued,
                CASE WHEN bool_or(kind = 'released') THEN pg_notify('\(PostgresListener.channel)', '') END AS notified,
                set_config('\(PostgresSchema.countedSetting)', 'on', true) AS counted
            FROM done
        ), ready AS (
            SELECT queue FROM conveyor_job_counts WHERE state = 'queued' \(onlyQueues ? "AND queue = ANY($13::text[])" : "") GROUP BY queue HAVING sum(n) > 0
            EXCEPT SELECT queue FROM conveyor_paused_queues
        ), picked AS (
            SELECT c.id FROM ready
            CROSS JOIN unnest($8::int8[]) WITH ORDINALITY AS p(rank, ord)
            CROSS JOIN LATERAL (
                SELECT id, run_at FROM conveyor_jobs
                WHERE state = 'queued' AND queue = ready.queue AND priority = p.rank
                ORDER BY run_at, id LIMIT $9 FOR UPDATE SKIP LOCKED
            ) c
            ORDER BY p.ord, c.run_at, c.id LIMIT $9
        ), claimed AS (
            UPDATE conveyor_jobs j SET state = 'running', attempts = j.attempts + 1, started_at = $10, lease_owner = $11,
                lease_expires_at = $12, progress_percent = 0, progress_stage = NULL, progress_message = NULL
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
