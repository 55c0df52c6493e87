public import Conveyor
public import Foundation
import GRDB

extension SQLiteJobStore {
    public func cancel(_ id: JobID, now: Date) async throws -> Job {
        try await write { db in
            guard let current = try Row.fetchOne(db, sql: "SELECT queue, state FROM jobs WHERE id = ?", arguments: [id.bytes]) else {
                throw ConveyorError(.notFound, "No job with id \(id)")
            }
            let state: String = current[1]
            guard let status = JobStatus(rawValue: state), !status.isTerminal else {
                throw ConveyorError(.conflict, "Job \(id) is already \(state)")
            }
            let cancelled = try Row.fetchOne(
                db, sql: """
                    UPDATE jobs SET state = 'cancelled', finished_at = ?, lease_owner = NULL, lease_expires_at = NULL
                    WHERE id = ? RETURNING \(SQLiteColumns.job)
                    """,
                arguments: [SQLiteColumns.micros(now), id.bytes])
            guard let cancelled else { throw ConveyorError(.notFound, "No job with id \(id)") }
            var counts = SQLiteCounts()
            counts.move(queue: current[0], from: status, to: .cancelled)
            try counts.write(db)
            return try SQLiteColumns.job(from: cancelled)
        }
    }

    public func retry(_ id: JobID, now: Date) async throws -> Job {
        let job = try await write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT \(SQLiteColumns.job) FROM jobs WHERE id = ?", arguments: [id.bytes]) else {
                throw ConveyorError(.notFound, "No job with id \(id)")
            }
            let job = try SQLiteColumns.job(from: row)
            guard job.status == .failed || job.status == .cancelled else {
                throw ConveyorError(.conflict, "Job \(id) is \(job.status.rawValue); only failed or cancelled jobs can be retried")
            }
            if let scope = job.dedupScope, let holder = try Row.fetchOne(db, sql: Self.dedupHolder, arguments: [scope.owner ?? "", scope.key]) {
                throw ConveyorError(.conflict, "Job \(try SQLiteColumns.job(from: holder).id) already holds dedupKey '\(scope.key)' and is unfinished")
            }
            let retried = try Row.fetchOne(
                db, sql: """
                    UPDATE jobs SET state = 'queued', attempts = 0, error = NULL, error_permanent = NULL, result = NULL,
                        started_at = NULL, finished_at = NULL, progress_percent = 0, progress_stage = NULL, progress_message = NULL,
                        run_at = ?
                    WHERE id = ? RETURNING \(SQLiteColumns.job)
                    """,
                arguments: [SQLiteColumns.micros(now), id.bytes])
            var counts = SQLiteCounts()
            counts.move(queue: job.queue, from: job.status, to: .queued)
            try counts.write(db)
            return try SQLiteColumns.job(from: retried ?? row)
        }
        wakeup.signal()
        return job
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
