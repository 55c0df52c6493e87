public import Conveyor
public import Foundation
import GRDB

extension SQLiteJobStore {
    public func cancel(_ id: JobID, now: Date) async throws -> Job {
        let origin = events.origin
        let (cancelled, released) = try await write { db in
            let job = try Self.job(id, in: db)
            let cancelled = try JobTransitions.cancel(job, id: id, now: now)
            guard let job else { return (cancelled, false) }
            let called = try Self.write(cancelled, from: job, origin: origin, in: db)
            return (cancelled, try Self.releaseDependents(of: [cancelled], now: now, origin: origin, in: db) || called)
        }
        if released { wakeup.signal() }
        return cancelled
    }

    public func retry(_ id: JobID, now: Date) async throws -> Job {
        let origin = events.origin
        let retried = try await write { db in
            let job = try Self.job(id, in: db)
            let holder = try job?.dedupScope.flatMap { scope in
                try Row.fetchOne(db, sql: Self.dedupHolder, arguments: [scope.owner ?? "", scope.key]).map(SQLiteColumns.job(from:))?.id
            }
            let retried = try JobTransitions.retry(job, id: id, now: now, dedupHolder: holder)
            if let job { _ = try Self.write(retried, from: job, origin: origin, in: db) }
            // Retrying is running it again: an at-most-once step left unfinished may run now.
            try db.execute(sql: "DELETE FROM job_steps WHERE job_id = ? AND status = 'running'", arguments: [id.bytes])
            return retried
        }
        wakeup.signal()
        return retried
    }

    static func job(_ id: JobID, in db: Database) throws -> Job? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(SQLiteColumns.job) FROM jobs WHERE id = ?"), arguments: [id.bytes])
            .map(SQLiteColumns.job(from:))
    }

    /// Writes a moved job back over `old`, keeps the counts in step and, for a move other
    /// processes hear of (``JobStateChange/isTold(from:to:)``), records it in the change feed; a job
    /// of a batch moves its batch's tally. Returns whether that enqueued a callback.
    static func write(_ job: Job, from old: Job, origin: String, in db: Database) throws -> Bool {
        try db.cachedStatement(sql: SQLiteColumns.update).execute(arguments: SQLiteColumns.updateArguments(job, from: old.status))
        guard db.changesCount == 1 else { throw ConveyorError(.conflict, "Job \(job.id) changed while it was being moved; try again") }
        var counts = SQLiteCounts()
        counts.move(queue: job.queue, from: old.status, to: job.status)
        if job.status == .completed || job.status == .failed, let finished = job.finishedAt { counts.finishedAt(finished) }
        try counts.write(db)
        if JobStateChange.isTold(from: old.status, to: job.status) {
            try SQLiteEventFeed.recordEnded([(job.id, job.status, job.sequence)], origin: origin, in: db)
        }
        guard let batch = job.batch, batch.isMember, old.status.isTerminal != job.status.isTerminal else { return false }
        if job.status.isTerminal { return try batchJobsEnded(batch.id, [job.status], at: job.finishedAt ?? Date(), origin: origin, in: db) }
        try batchJobRestarted(batch.id, in: db)
        return false
    }

    public func prune(_ policy: RetentionPolicy, now: Date) async throws -> Int {
        var removed = 0
        for (status, keep) in [(JobStatus.completed, policy.completed), (.failed, policy.failed), (.cancelled, policy.cancelled)] {
            removed += try await deleteFinished(status, before: now.addingTimeInterval(-keep.seconds))
        }
        // Only the last minute is ever read; keep a little more for clocks that differ.
        try await write { db in
            try db.execute(sql: "DELETE FROM job_finished_seconds WHERE second < ?", arguments: [Int64(now.timeIntervalSince1970) - 300])
        }
        return removed
    }

    public func deleteFailed(finishedBefore date: Date) async throws -> Int {
        try await deleteFinished(.failed, before: date)
    }

    public func setPaused(_ paused: Bool, queue: String) async throws {
        try await write { db in
            if paused {
                try db.execute(sql: "INSERT OR IGNORE INTO paused_queues (queue) VALUES (?)", arguments: [queue])
            } else {
                try db.execute(sql: "DELETE FROM paused_queues WHERE queue = ?", arguments: [queue])
            }
        }
        if !paused { wakeup.signal() }
    }

    public func pausedQueues() async throws -> Set<String> {
        try await read { db in Set(try String.fetchAll(db, sql: "SELECT queue FROM paused_queues")) }
    }

    /// Deletes in slices of a few thousand rows, one transaction each, so pruning a million
    /// old jobs never holds the write lock long enough to stall claims.
    private func deleteFinished(_ status: JobStatus, before date: Date) async throws -> Int {
        var removed = 0
        while true {
            let deleted = try await write { db in
                let queues = try String.fetchAll(
                    db.cachedStatement(sql: """
                        DELETE FROM jobs WHERE rowid IN (SELECT rowid FROM jobs WHERE state = ? AND finished_at < ? LIMIT 5000) RETURNING queue
                        """),
                    arguments: [status.rawValue, SQLiteColumns.micros(date)])
                var counts = SQLiteCounts()
                for queue in queues { counts.move(queue: queue, from: status, to: nil) }
                try counts.write(db)
                return queues.count
            }
            removed += deleted
            if deleted < 5000 { return removed }
        }
    }
}
