import GRDB

/// The versioned schema. Migrations only ever get appended: a database that has one this
/// build does not know was written by a newer Conveyor and is refused rather than guessed at.
enum SQLiteSchema {
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-jobs", migrate: createJobs)
        migrator.registerMigration("v2-dedup-per-owner", migrate: scopeDedupToOwner)
        migrator.registerMigration("v3-error-codes-and-sequence", migrate: addErrorCodesAndSequence)
        migrator.registerMigration("v4-event-feed", migrate: addEventFeed)
        migrator.registerMigration("v5-workers", migrate: addWorkers)
        migrator.registerMigration(attemptFailures, migrate: addAttemptFailures)
        migrator.registerMigration(dependencies, migrate: addDependencies)
        migrator.registerMigration(batches, migrate: addBatches)
        migrator.registerMigration(batchIndex, migrate: narrowBatchIndex)
        migrator.registerMigration(steps, migrate: addSteps)
        return migrator
    }()

    static let attemptFailures = "v6-attempt-failures"
    static let dependencies = "v7-dependencies"
    static let batches = "v8-batches"
    static let batchIndex = "v9-batch-index"
    static let steps = "v10-steps"

    /// Times are integer microseconds since 1970; ids are the 16 bytes of a UUIDv7, so their
    /// byte order is creation order. `state = 'waiting'` and the nullable columns leave room for
    /// dependencies, batches, cron and rate limits in later migrations.
    private static func createJobs(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE jobs (
                id BLOB NOT NULL UNIQUE,
                type TEXT NOT NULL,
                queue TEXT NOT NULL,
                state TEXT NOT NULL,
                priority INTEGER NOT NULL,
                payload BLOB NOT NULL,
                result BLOB,
                error TEXT,
                error_permanent INTEGER,
                attempts INTEGER NOT NULL DEFAULT 0,
                max_attempts INTEGER NOT NULL,
                progress_percent REAL NOT NULL DEFAULT 0,
                progress_stage TEXT,
                progress_message TEXT,
                owner TEXT,
                dedup_key TEXT,
                timeout_ms INTEGER NOT NULL,
                created_at INTEGER NOT NULL,
                run_at INTEGER NOT NULL,
                started_at INTEGER,
                finished_at INTEGER,
                lease_owner TEXT,
                lease_expires_at INTEGER
            );

            -- The claim path: ready jobs of one queue and priority, oldest first.
            CREATE INDEX jobs_ready ON jobs (queue, priority, run_at, id) WHERE state = 'queued';
            -- Promotion of due jobs and the next wake-up time.
            CREATE INDEX jobs_scheduled ON jobs (run_at) WHERE state = 'scheduled';
            -- Listing by state newest first, and running jobs for rescue. Queued jobs have their
            -- own index and completed ones are the bulk: leaving both out halves the index work
            -- of a claim and a completion.
            CREATE INDEX jobs_state ON jobs (state, id) WHERE state NOT IN ('queued', 'completed');
            -- Retention pruning.
            CREATE INDEX jobs_finished ON jobs (state, finished_at) WHERE finished_at IS NOT NULL;
            CREATE INDEX jobs_owner ON jobs (owner, id) WHERE owner IS NOT NULL;
            -- One unfinished job per dedup key.
            CREATE UNIQUE INDEX jobs_dedup ON jobs (dedup_key)
                WHERE dedup_key IS NOT NULL AND state NOT IN ('completed', 'failed', 'cancelled');

            -- Jobs per queue and state, and jobs finished per second: written with each batch in
            -- the same transaction (see SQLiteCounts), so stats and queue capacity never count rows.
            CREATE TABLE job_counts (
                queue TEXT NOT NULL,
                state TEXT NOT NULL,
                n INTEGER NOT NULL,
                PRIMARY KEY (queue, state)
            ) WITHOUT ROWID;
            CREATE TABLE job_finished_seconds (second INTEGER PRIMARY KEY NOT NULL, n INTEGER NOT NULL);

            CREATE TABLE paused_queues (queue TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;
            """)
    }

    /// A dedup key is unique per owner, not across owners (one user must never get another's
    /// job by guessing its key); an index for counting an owner's unfinished jobs.
    private static func scopeDedupToOwner(_ db: Database) throws {
        try db.execute(sql: """
            DROP INDEX jobs_dedup;
            CREATE UNIQUE INDEX jobs_dedup ON jobs (IFNULL(owner, ''), dedup_key)
                WHERE dedup_key IS NOT NULL AND state NOT IN ('completed', 'failed', 'cancelled');
            CREATE INDEX jobs_owner_unfinished ON jobs (owner)
                WHERE owner IS NOT NULL AND state NOT IN ('completed', 'failed', 'cancelled');
            """)
    }

    /// Every failure keeps a code (`timeout`, `lease_lost`, a handler's own); every job counts its
    /// moves, so events from several processes can be ordered. Rows from before read as code
    /// `handler_error` and sequence 1.
    private static func addErrorCodesAndSequence(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE jobs ADD COLUMN error_code TEXT;
            ALTER TABLE jobs ADD COLUMN sequence INTEGER NOT NULL DEFAULT 1;
            """)
    }

    /// The change feed between processes sharing the file (``SQLiteEventFeed``): events in
    /// commit order, and the stores reading them.
    private static func addEventFeed(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE events (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                origin TEXT NOT NULL,
                kind TEXT NOT NULL,
                job_id BLOB NOT NULL,
                type TEXT NOT NULL,
                state TEXT NOT NULL,
                sequence INTEGER NOT NULL,
                percent REAL,
                stage TEXT,
                message TEXT,
                at INTEGER NOT NULL
            );
            CREATE INDEX events_at ON events (at);
            CREATE TABLE event_listeners (origin TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID;
            """)
    }

    /// The worker processes sharing the file (``SQLiteJobStore/workers(seenSince:)``).
    private static func addWorkers(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE workers (
                id TEXT PRIMARY KEY,
                host TEXT NOT NULL,
                pid INTEGER NOT NULL,
                started_at INTEGER NOT NULL,
                concurrency INTEGER NOT NULL,
                running INTEGER NOT NULL,
                processed INTEGER NOT NULL,
                queues TEXT,
                draining INTEGER NOT NULL,
                last_seen_at INTEGER NOT NULL
            ) WITHOUT ROWID
            """)
    }

    /// Every failed attempt of a job, as JSON (``AttemptFailure``); `lease_owner` now also keeps
    /// the worker of a finished job's last attempt (no change of column needed).
    private static func addAttemptFailures(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE jobs ADD COLUMN attempt_log TEXT")
    }

    /// Jobs that wait for jobs, and flows (each job keeps its flow's id, its key and the flow's
    /// name; a flow is the jobs that carry its id): each job's list (`depends_on`, JSON ids, for reading back), its
    /// policy and how many it still waits on; `has_dependents` marks a job others wait on, so a
    /// worker settling a job without any pays nothing; `job_dependencies` holds each wait until
    /// the dependency ends (then it is taken, so each end is told once).
    private static func addDependencies(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE jobs ADD COLUMN depends_on TEXT;
            ALTER TABLE jobs ADD COLUMN on_dependency_failure TEXT;
            ALTER TABLE jobs ADD COLUMN waiting_on INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE jobs ADD COLUMN has_dependents INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE jobs ADD COLUMN flow_id BLOB;
            ALTER TABLE jobs ADD COLUMN flow_key TEXT;
            ALTER TABLE jobs ADD COLUMN flow_name TEXT;
            CREATE INDEX jobs_flow ON jobs (flow_id) WHERE flow_id IS NOT NULL;
            CREATE TABLE job_dependencies (
                depends_on BLOB NOT NULL,
                job_id BLOB NOT NULL,
                PRIMARY KEY (depends_on, job_id)
            ) WITHOUT ROWID;
            """)
    }

    /// The batch index without `state`: a batch job's claim and finish then leave it alone, where
    /// v8's (batch_id, state) was rewritten twice per job — a quarter of a batch's throughput
    /// (`conveyor bench --flow`). Counting a batch's jobs by state reads the rows instead.
    private static func narrowBatchIndex(_ db: Database) throws {
        try db.execute(sql: """
            DROP INDEX jobs_batch;
            CREATE INDEX jobs_batch ON jobs (batch_id) WHERE batch_id IS NOT NULL;
            """)
    }

    /// Durable steps (DESIGN §13): what each job's attempts recorded, by key. A trigger deletes
    /// them with their job, however the job goes (pruning, dead-letter cleanup).
    private static func addSteps(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE job_steps (
                job_id BLOB NOT NULL,
                key TEXT NOT NULL,
                name TEXT NOT NULL,
                position INTEGER NOT NULL,
                status TEXT NOT NULL,
                attempt INTEGER NOT NULL,
                started_at INTEGER NOT NULL,
                finished_at INTEGER,
                output BLOB,
                PRIMARY KEY (job_id, key)
            ) WITHOUT ROWID;
            CREATE TRIGGER job_steps_go_with_job AFTER DELETE ON jobs BEGIN
                DELETE FROM job_steps WHERE job_id = OLD.id;
            END;
            """)
    }

    /// Batches (DESIGN §12): each job keeps its batch's id, and a callback also which one it is;
    /// `batches` keeps each batch's ``BatchTally``, moved in the transaction that ends its jobs;
    /// `batch_callbacks` the callback jobs to enqueue when due (`enqueued` once they are).
    private static func addBatches(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE jobs ADD COLUMN batch_id BLOB;
            ALTER TABLE jobs ADD COLUMN batch_callback TEXT;
            CREATE INDEX jobs_batch ON jobs (batch_id, state) WHERE batch_id IS NOT NULL;
            CREATE TABLE batches (
                id BLOB PRIMARY KEY,
                name TEXT,
                owner TEXT,
                total INTEGER NOT NULL,
                remaining INTEGER NOT NULL,
                unsuccessful INTEGER NOT NULL,
                failure_seen INTEGER NOT NULL,
                created_at INTEGER NOT NULL,
                finished_at INTEGER
            ) WITHOUT ROWID;
            CREATE TABLE batch_callbacks (
                batch_id BLOB NOT NULL,
                kind TEXT NOT NULL,
                job_id BLOB NOT NULL,
                type TEXT NOT NULL,
                queue TEXT NOT NULL,
                priority INTEGER NOT NULL,
                payload BLOB NOT NULL,
                max_attempts INTEGER NOT NULL,
                timeout_ms INTEGER NOT NULL,
                owner TEXT,
                enqueued INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (batch_id, kind)
            ) WITHOUT ROWID;
            """)
    }
}
