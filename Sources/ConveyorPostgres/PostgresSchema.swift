/// The versioned schema. Migrations only ever get appended; each is a list of statements run in
/// one transaction (the extended protocol takes one statement per query).
enum PostgresSchema {
    struct Migration {
        var version: String
        var statements: [String]
    }

    /// Held (as a transaction-scoped advisory lock) while migrating, so two nodes starting at
    /// once take turns instead of racing to create the same tables.
    static let migrationLockKey: Int64 = 0x636F_6E76_6579_6F72 // "conveyor"
    /// Held by the node pruning old jobs; the others skip their turn.
    static let pruneLockKey: Int64 = 0x636F_6E76_7072_756E // "convprun"

    static let migrations: [Migration] = [
        Migration(version: "v1-jobs", statements: jobs),
        Migration(version: "v2-self-counting-statements", statements: selfCountingStatements),
        Migration(version: "v3-dedup-per-owner", statements: dedupPerOwner),
        Migration(version: "v4-error-codes-and-sequence", statements: errorCodesAndSequence),
        Migration(version: "v5-event-listeners", statements: eventListeners),
        Migration(version: "v6-workers", statements: workers),
        Migration(version: "v7-attempt-failures", statements: attemptFailures),
        Migration(version: "v8-dependencies", statements: dependencies),
        Migration(version: "v9-batches", statements: batches),
        Migration(version: "v10-steps", statements: steps),
    ]

    /// Set (transaction-local) by a statement that keeps the job counters itself, so the
    /// counting trigger leaves that statement's rows alone.
    static let countedSetting = "conveyor.counted"

    /// Which counter rows a connection writes: its own, so connections never queue on them.
    static let counterShard = "pg_backend_pid() % 16"

    /// Times are `timestamptz` (microseconds), ids `uuid` (UUIDv7: byte order is creation order).
    /// `state = 'waiting'` and the nullable columns leave room for dependencies, batches, cron and
    /// rate limits in later migrations.
    private static let jobs = [
        """
        CREATE TABLE conveyor_jobs (
            id uuid PRIMARY KEY,
            type text NOT NULL,
            queue text NOT NULL,
            state text NOT NULL,
            priority smallint NOT NULL,
            payload bytea NOT NULL,
            result bytea,
            error text,
            error_permanent boolean,
            attempts integer NOT NULL DEFAULT 0,
            max_attempts integer NOT NULL,
            progress_percent double precision NOT NULL DEFAULT 0,
            progress_stage text,
            progress_message text,
            owner text,
            dedup_key text,
            timeout_ms bigint NOT NULL,
            created_at timestamptz NOT NULL,
            run_at timestamptz NOT NULL,
            started_at timestamptz,
            finished_at timestamptz,
            lease_owner text,
            lease_expires_at timestamptz
        ) WITH (fillfactor = 90)
        """,
        // The claim path: ready jobs of one queue and priority, oldest first. Only unstarted jobs
        // are indexed, so completed ones (the bulk) cost it nothing; it also counts a queue's backlog.
        """
        CREATE INDEX conveyor_jobs_claim ON conveyor_jobs (state, queue, priority, run_at, id)
            WHERE state IN ('queued', 'scheduled', 'waiting')
        """,
        // Promotion of due jobs and the next wake-up time.
        "CREATE INDEX conveyor_jobs_scheduled ON conveyor_jobs (run_at) WHERE state = 'scheduled'",
        // Listing by state newest first (dead letters, running jobs for rescue).
        "CREATE INDEX conveyor_jobs_state ON conveyor_jobs (state, id) WHERE state NOT IN ('queued', 'completed')",
        // Retention pruning.
        "CREATE INDEX conveyor_jobs_finished ON conveyor_jobs (state, finished_at) WHERE finished_at IS NOT NULL",
        "CREATE INDEX conveyor_jobs_owner ON conveyor_jobs (owner, id) WHERE owner IS NOT NULL",
        // One unfinished job per dedup key.
        """
        CREATE UNIQUE INDEX conveyor_jobs_dedup ON conveyor_jobs (dedup_key)
            WHERE dedup_key IS NOT NULL AND state NOT IN ('completed', 'failed', 'cancelled')
        """,
        // Jobs per queue and state, and jobs finished per second, kept by statement triggers so
        // stats and queue capacity never count rows. Each connection writes its own shard row,
        // so workers on many machines never wait on one another's counters.
        """
        CREATE TABLE conveyor_job_counts (
            queue text NOT NULL,
            state text NOT NULL,
            shard integer NOT NULL,
            n bigint NOT NULL,
            PRIMARY KEY (queue, state, shard)
        )
        """,
        """
        CREATE TABLE conveyor_finished_seconds (
            second bigint NOT NULL,
            shard integer NOT NULL,
            n bigint NOT NULL,
            PRIMARY KEY (second, shard)
        )
        """,
        "CREATE TABLE conveyor_paused_queues (queue text PRIMARY KEY)",
        countingFunction(skippingSelfCounted: false),
        """
        CREATE TRIGGER conveyor_count_inserts AFTER INSERT ON conveyor_jobs
            REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION conveyor_count_jobs()
        """,
        """
        CREATE TRIGGER conveyor_count_updates AFTER UPDATE ON conveyor_jobs
            REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION conveyor_count_jobs()
        """,
        """
        CREATE TRIGGER conveyor_count_deletes AFTER DELETE ON conveyor_jobs
            REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION conveyor_count_jobs()
        """,
    ]

    /// The counting trigger skips statements that count their own moves (the worker's turn);
    /// every other statement is still counted by it — including those of a node still running
    /// the previous build during a rolling upgrade, which knows nothing of the setting.
    private static let selfCountingStatements = [
        countingFunction(skippingSelfCounted: true),
    ]

    /// A dedup key is unique per owner, not across owners (one user must never get another's job
    /// by guessing its key); an index for counting an owner's unfinished jobs.
    private static let dedupPerOwner = [
        "DROP INDEX conveyor_jobs_dedup",
        """
        CREATE UNIQUE INDEX conveyor_jobs_dedup ON conveyor_jobs (COALESCE(owner, ''), dedup_key)
            WHERE dedup_key IS NOT NULL AND state NOT IN ('completed', 'failed', 'cancelled')
        """,
        """
        CREATE INDEX conveyor_jobs_owner_unfinished ON conveyor_jobs (owner)
            WHERE owner IS NOT NULL AND state NOT IN ('completed', 'failed', 'cancelled')
        """,
    ]

    /// Every failure keeps a code (`timeout`, `lease_lost`, a handler's own); every job counts its
    /// moves, so events from several processes can be ordered. Rows from before read as code
    /// `handler_error` and sequence 1. Both are catalog-only changes: no table rewrite.
    private static let errorCodesAndSequence = [
        "ALTER TABLE conveyor_jobs ADD COLUMN error_code text",
        "ALTER TABLE conveyor_jobs ADD COLUMN sequence integer NOT NULL DEFAULT 1",
    ]

    /// The stores relaying other processes' events (``PostgresEventListeners``): writers notify
    /// only while one is listed.
    private static let eventListeners = [
        "CREATE TABLE \(PostgresEventListeners.table) (origin text PRIMARY KEY, expires_at timestamptz NOT NULL)",
    ]

    /// The worker processes sharing the database (``PostgresJobStore/workers(seenSince:)``).
    private static let workers = [
        """
        CREATE TABLE conveyor_workers (
            id text PRIMARY KEY, host text NOT NULL, pid bigint NOT NULL, started_at timestamptz NOT NULL,
            concurrency bigint NOT NULL, running bigint NOT NULL, processed bigint NOT NULL, queues text[],
            draining boolean NOT NULL, last_seen_at timestamptz NOT NULL
        )
        """,
    ]

    /// Every failed attempt of a job, as JSON text (``AttemptFailure``); `lease_owner` now also
    /// keeps the worker of a finished job's last attempt.
    private static let attemptFailures = ["ALTER TABLE conveyor_jobs ADD COLUMN attempt_log text"]

    /// Jobs that wait for jobs, and flows (each job keeps its flow's id, its key and the flow's
    /// name; a flow is the jobs that carry its id): each job's list (`depends_on`, comma-separated ids, for reading
    /// back), its policy and how many it still waits on; `has_dependents` marks a job others wait
    /// on, so a worker's turn settles every other job without looking further; each wait is a row
    /// of `conveyor_job_dependencies` until its dependency ends (then it is taken: told once).
    private static let dependencies = [
        """
        ALTER TABLE conveyor_jobs ADD COLUMN depends_on text, ADD COLUMN on_dependency_failure text,
            ADD COLUMN waiting_on bigint NOT NULL DEFAULT 0, ADD COLUMN has_dependents boolean NOT NULL DEFAULT false,
            ADD COLUMN flow_id uuid, ADD COLUMN flow_key text, ADD COLUMN flow_name text
        """,
        "CREATE INDEX conveyor_jobs_flow ON conveyor_jobs (flow_id) WHERE flow_id IS NOT NULL",
        "CREATE TABLE conveyor_job_dependencies (depends_on uuid NOT NULL, job_id uuid NOT NULL, PRIMARY KEY (depends_on, job_id))",
    ]

    /// Durable steps (DESIGN §13): what each job's attempts recorded, by key; deleted with the job.
    private static let steps = [
        """
        CREATE TABLE conveyor_job_steps (
            job_id uuid NOT NULL REFERENCES conveyor_jobs (id) ON DELETE CASCADE,
            key text NOT NULL,
            name text NOT NULL,
            position integer NOT NULL,
            status text NOT NULL,
            attempt integer NOT NULL,
            started_at timestamptz NOT NULL,
            finished_at timestamptz,
            output bytea,
            PRIMARY KEY (job_id, key)
        )
        """,
    ]

    /// Batches (DESIGN §12): each job keeps its batch's id, and a callback also which one it is;
    /// `conveyor_batches` keeps each batch's ``BatchTally``, `conveyor_batch_callbacks` the callback
    /// jobs to enqueue when due. `conveyor_batch_ended` is ``BatchTally/ended(_:at:)`` in SQL, so
    /// a worker's turn moves the tally in its one statement: it locks the batch's row (two
    /// processes ending the batch's last jobs take turns, and one of them finishes it), moves the
    /// counters, and inserts the callbacks that became due with `conveyor_batch_enqueue` (each once:
    /// it takes only those not enqueued yet); both return more than 0 when they inserted any.
    private static let batches = [
        "ALTER TABLE conveyor_jobs ADD COLUMN batch_id uuid, ADD COLUMN batch_callback text",
        "CREATE INDEX conveyor_jobs_batch ON conveyor_jobs (batch_id, state) WHERE batch_id IS NOT NULL",
        """
        CREATE TABLE conveyor_batches (
            id uuid PRIMARY KEY,
            name text,
            owner text,
            total bigint NOT NULL,
            remaining bigint NOT NULL,
            unsuccessful bigint NOT NULL,
            failure_seen boolean NOT NULL,
            created_at timestamptz NOT NULL,
            finished_at timestamptz
        )
        """,
        """
        CREATE TABLE conveyor_batch_callbacks (
            batch_id uuid NOT NULL,
            kind text NOT NULL,
            job_id uuid NOT NULL,
            type text NOT NULL,
            queue text NOT NULL,
            priority smallint NOT NULL,
            payload bytea NOT NULL,
            max_attempts integer NOT NULL,
            timeout_ms bigint NOT NULL,
            owner text,
            enqueued boolean NOT NULL DEFAULT false,
            PRIMARY KEY (batch_id, kind)
        )
        """,
        """
        CREATE FUNCTION conveyor_batch_enqueue(batch uuid, due text[], at timestamptz) RETURNS integer LANGUAGE plpgsql AS $$
        DECLARE
            counted text := current_setting('\(countedSetting)', true);
            queues integer;
        BEGIN
            IF cardinality(due) = 0 THEN RETURN 0; END IF;
            -- Counted here, in the shard after this connection's: a worker's turn calling this counts
            -- its own moves in its shard's rows within the same statement, which may touch a row once.
            PERFORM set_config('\(countedSetting)', 'on', true);
            WITH taken AS (
                UPDATE conveyor_batch_callbacks SET enqueued = true WHERE batch_id = batch AND kind = ANY(due) AND NOT enqueued RETURNING *
            ), made AS (
                INSERT INTO conveyor_jobs (id, type, queue, state, priority, payload, max_attempts, owner, timeout_ms, created_at, run_at,
                    batch_id, batch_callback)
                SELECT job_id, type, queue, 'queued', priority, payload, max_attempts, owner, timeout_ms, at, at, batch, kind FROM taken
                RETURNING queue)
            INSERT INTO conveyor_job_counts (queue, state, shard, n)
            SELECT queue, 'queued', (pg_backend_pid() + 1) % 16, count(*) FROM made GROUP BY queue ORDER BY queue
            ON CONFLICT (queue, state, shard) DO UPDATE SET n = conveyor_job_counts.n + excluded.n;
            GET DIAGNOSTICS queues = ROW_COUNT;
            PERFORM set_config('\(countedSetting)', coalesce(counted, ''), true);
            RETURN queues;
        END
        $$
        """,
        """
        CREATE FUNCTION conveyor_batch_ended(batch uuid, states text[], at timestamptz) RETURNS integer LANGUAGE plpgsql AS $$
        DECLARE
            b conveyor_batches%ROWTYPE;
            due text[] := '{}';
        BEGIN
            SELECT * INTO b FROM conveyor_batches WHERE id = batch FOR UPDATE;
            IF NOT FOUND OR b.finished_at IS NOT NULL OR cardinality(states) = 0 THEN RETURN 0; END IF;
            b.remaining := greatest(0, b.remaining - cardinality(states));
            b.unsuccessful := b.unsuccessful + (SELECT count(*) FROM unnest(states) s WHERE s <> 'completed');
            IF NOT b.failure_seen AND 'failed' = ANY(states) THEN
                b.failure_seen := true;
                due := due || 'onFailure'::text;
            END IF;
            IF b.remaining = 0 THEN
                b.finished_at := at;
                due := due || 'onComplete'::text;
                IF b.unsuccessful = 0 THEN due := due || 'onSuccess'::text; END IF;
            END IF;
            UPDATE conveyor_batches SET remaining = b.remaining, unsuccessful = b.unsuccessful, failure_seen = b.failure_seen,
                finished_at = b.finished_at WHERE id = batch;
            RETURN conveyor_batch_enqueue(batch, due, at);
        END
        $$
        """,
    ]

    /// The counters' trigger function: v1 created it; v2 makes it skip statements that set
    /// ``countedSetting`` (they count their own moves).
    private static func countingFunction(skippingSelfCounted: Bool) -> String {
        let skip = skippingSelfCounted ? "IF current_setting('\(countedSetting)', true) = 'on' THEN RETURN NULL; END IF;" : ""
        return """
            CREATE OR REPLACE FUNCTION conveyor_count_jobs() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                my_shard integer := \(counterShard);
            BEGIN
                \(skip)
                IF TG_OP = 'INSERT' THEN
                    INSERT INTO conveyor_job_counts (queue, state, shard, n)
                    SELECT queue, state, my_shard, count(*) FROM new_rows GROUP BY queue, state ORDER BY queue, state
                    ON CONFLICT (queue, state, shard) DO UPDATE SET n = conveyor_job_counts.n + excluded.n;
                ELSIF TG_OP = 'DELETE' THEN
                    INSERT INTO conveyor_job_counts (queue, state, shard, n)
                    SELECT queue, state, my_shard, -count(*) FROM old_rows GROUP BY queue, state ORDER BY queue, state
                    ON CONFLICT (queue, state, shard) DO UPDATE SET n = conveyor_job_counts.n + excluded.n;
                ELSE
                    INSERT INTO conveyor_job_counts (queue, state, shard, n)
                    SELECT queue, state, my_shard, sum(d) FROM (
                        SELECT queue, state, -1 AS d FROM old_rows
                        UNION ALL SELECT queue, state, 1 FROM new_rows
                    ) moves GROUP BY queue, state HAVING sum(d) <> 0 ORDER BY queue, state
                    ON CONFLICT (queue, state, shard) DO UPDATE SET n = conveyor_job_counts.n + excluded.n;
                    INSERT INTO conveyor_finished_seconds (second, shard, n)
                    SELECT floor(extract(epoch FROM moved.finished_at))::bigint AS second, my_shard, count(*)
                    FROM new_rows moved JOIN old_rows was ON was.id = moved.id
                    WHERE moved.state IN ('completed', 'failed') AND was.state NOT IN ('completed', 'failed')
                    GROUP BY 1 ORDER BY 1
                    ON CONFLICT (second, shard) DO UPDATE SET n = conveyor_finished_seconds.n + excluded.n;
                END IF;
                RETURN NULL;
            END
            $$
            """
    }
}
