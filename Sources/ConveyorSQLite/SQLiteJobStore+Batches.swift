public import Conveyor
import Foundation
import GRDB

extension SQLiteJobStore {
    public func enqueue(_ batch: NewBatch, limits: EnqueueLimits) async throws -> BatchSnapshot {
        try batch.check()
        let origin = events.origin
        let snapshot = try await write { db in
            let plan = EnqueuePlan(batch.jobs) { _ in nil }
            try Self.checkCapacity(of: plan, limits, in: db)
            let (tally, due) = BatchTally.start(total: batch.jobs.count, at: batch.createdAt)
            do {
                try db.execute(
                    sql: """
                        INSERT INTO batches (id, name, owner, total, remaining, unsuccessful, failure_seen, created_at, finished_at)
                        VALUES (?, ?, ?, ?, ?, 0, 0, ?, ?)
                        """,
                    arguments: [
                        batch.id.bytes, batch.name, batch.owner, batch.jobs.count, tally.remaining, SQLiteColumns.micros(batch.createdAt),
                        tally.finishedAt.map(SQLiteColumns.micros),
                    ])
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                throw ConveyorError(.conflict, "A batch with id \(batch.id) already exists")
            }
            let keep = try db.cachedStatement(sql: """
                INSERT INTO batch_callbacks (batch_id, kind, job_id, type, queue, priority, payload, max_attempts, timeout_ms, owner)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for (kind, job) in batch.callbacks {
                try keep.execute(arguments: [
                    batch.id.bytes, kind.rawValue, job.id.bytes, job.type, job.queue, job.priority.rank, job.payload, job.maxAttempts,
                    job.timeout.milliseconds, job.owner,
                ])
            }
            var counts = SQLiteCounts()
            try Self.insert(plan.newJobs, counts: &counts, in: db)
            try counts.write(db)
            try Self.enqueueCallbacks(due, of: batch.id, at: batch.createdAt, origin: origin, in: db)
            return try Self.batch(batch.id, in: db)
        }
        wakeup.signal()
        guard let snapshot else { throw ConveyorError(.storeUnavailable, "sqlite:\(path): batch \(batch.id) was not there after writing it") }
        return snapshot
    }

    public func batch(_ id: JobID) async throws -> BatchSnapshot? {
        try await read { db in try Self.batch(id, in: db) }
    }

    public func batchCounts() async throws -> [BatchStatus: Int] {
        try await read { db in
            let row = try Row.fetchOne(db, sql: "SELECT count(*) FILTER (WHERE finished_at IS NULL), count(finished_at) FROM batches")
            return [.running: row?[0] ?? 0, .finished: row?[1] ?? 0]
        }
    }

    static func batch(_ id: JobID, in db: Database) throws -> BatchSnapshot? {
        guard let row = try Row.fetchOne(db, sql: "SELECT name, owner, total, created_at, finished_at FROM batches WHERE id = ?", arguments: [id.bytes]) else {
            return nil
        }
        var counts: [JobStatus: Int] = [:]
        for state in try Row.fetchAll(
            db, sql: "SELECT state, count(*) FROM jobs WHERE batch_id = ? AND batch_callback IS NULL GROUP BY state", arguments: [id.bytes])
        {
            if let status = JobStatus(rawValue: state[0]) { counts[status] = state[1] }
        }
        var callbacks: [BatchCallbackKind: JobID?] = [:]
        for callback in try Row.fetchAll(db, sql: "SELECT kind, job_id, enqueued FROM batch_callbacks WHERE batch_id = ?", arguments: [id.bytes]) {
            guard let kind = BatchCallbackKind(rawValue: callback[0]) else { continue }
            callbacks[kind] = (callback[2] as Bool) ? JobID(bytes: callback[1]) : nil
        }
        return BatchSnapshot(
            id: id, name: row[0], owner: row[1], total: row[2], counts: counts, callbacks: callbacks,
            createdAt: SQLiteColumns.date(row[3]), finishedAt: (row[4] as Int64?).map(SQLiteColumns.date))
    }

    /// Jobs of batch `id` ended with `statuses`: moves its tally as ``BatchTally/ended(_:at:)``
    /// says and enqueues the callbacks that became due. Returns whether it enqueued any.
    static func batchJobsEnded(_ id: JobID, _ statuses: [JobStatus], at date: Date, origin: String, in db: Database) throws -> Bool {
        guard var tally = try tally(of: id, in: db) else { return false }
        let due = tally.ended(statuses, at: date)
        try write(tally, of: id, in: db)
        return try enqueueCallbacks(due, of: id, at: date, origin: origin, in: db)
    }

    /// A job of batch `id` that had ended runs again (``BatchTally/restarted()``).
    static func batchJobRestarted(_ id: JobID, in db: Database) throws {
        guard var tally = try tally(of: id, in: db) else { return }
        tally.restarted()
        try write(tally, of: id, in: db)
    }

    private static func tally(of id: JobID, in db: Database) throws -> BatchTally? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT remaining, unsuccessful, failure_seen, finished_at FROM batches WHERE id = ?"), arguments: [id.bytes]
        ).map { row in
            BatchTally(remaining: row[0], unsuccessful: row[1], failureSeen: row[2], finishedAt: (row[3] as Int64?).map(SQLiteColumns.date))
        }
    }

    private static func write(_ tally: BatchTally, of id: JobID, in db: Database) throws {
        try db.cachedStatement(sql: "UPDATE batches SET remaining = ?, unsuccessful = ?, failure_seen = ?, finished_at = ? WHERE id = ?")
            .execute(arguments: [tally.remaining, tally.unsuccessful, tally.failureSeen, tally.finishedAt.map(SQLiteColumns.micros), id.bytes])
    }

    /// Enqueues the callbacks of batch `id` in `due` not enqueued yet, ready at `date`. Returns whether there were any.
    @discardableResult
    private static func enqueueCallbacks(_ due: [BatchCallbackKind], of id: JobID, at date: Date, origin: String, in db: Database) throws -> Bool {
        guard !due.isEmpty else { return false }
        let take = try db.cachedStatement(sql: """
            UPDATE batch_callbacks SET enqueued = 1 WHERE batch_id = ? AND kind = ? AND enqueued = 0
            RETURNING job_id, type, queue, priority, payload, max_attempts, timeout_ms, owner
            """)
        var jobs: [Job] = []
        for kind in due {
            guard let row = try Row.fetchOne(take, arguments: [id.bytes, kind.rawValue]), let jobID = JobID(bytes: row[0]),
                let priority = JobPriority(rank: row[3])
            else { continue }
            let callback = NewJob(
                id: jobID, type: row[1], queue: row[2], priority: priority, payload: row[4], maxAttempts: row[5],
                timeout: .milliseconds(row[6] as Int64), owner: row[7], batch: BatchMembership(id: id, callback: kind))
            jobs.append(NewBatch.callbackJob(callback, at: date))
        }
        var counts = SQLiteCounts()
        try insert(jobs, counts: &counts, in: db)
        try counts.write(db)
        return !jobs.isEmpty
    }
}
