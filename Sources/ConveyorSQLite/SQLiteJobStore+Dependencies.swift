import Conveyor
import Foundation
import GRDB

extension SQLiteJobStore {
    /// Writes what a new job of a flow, or waiting on others, is made of beyond the common
    /// columns: its list, policy and how many it waits on (or, when a dependency had already
    /// failed, its end), and its flow.
    static func recordDependencies(of job: Job, in db: Database) throws {
        try db.cachedStatement(sql: """
            UPDATE jobs SET depends_on = ?, on_dependency_failure = ?, waiting_on = ?, finished_at = ?, error = ?, error_code = ?,
                error_permanent = ?, flow_id = ?, flow_key = ?, flow_name = ?
            WHERE id = ?
            """).execute(arguments: [
                JobID.stored(job.dependsOn), job.onDependencyFailure.rawValue, job.waitingOn, job.finishedAt.map(SQLiteColumns.micros),
                job.error?.message, job.error?.code.rawValue, job.error?.isPermanent, job.flow?.id.bytes, job.flow?.key, job.flow?.name,
                job.id.bytes,
            ])
    }

    /// Records each wait, and marks each dependency as one others wait on.
    static func recordWaits(_ waits: [(job: JobID, dependsOn: JobID)], in db: Database) throws {
        guard !waits.isEmpty else { return }
        let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO job_dependencies (depends_on, job_id) VALUES (?, ?)")
        let mark = try db.cachedStatement(sql: "UPDATE jobs SET has_dependents = 1 WHERE id = ? AND has_dependents = 0")
        for wait in waits {
            try insert.execute(arguments: [wait.dependsOn.bytes, wait.job.bytes])
            try mark.execute(arguments: [wait.dependsOn.bytes])
        }
    }

    /// Settles outcomes one by one as ``JobTransitions/settle(_:with:)`` says (nothing for an
    /// outcome whose lease is gone), then releases the dependents of those that ended. Returns the
    /// jobs settled and whether any job became ready.
    static func settleWithDependents(_ outcomes: [JobOutcome], origin: String, in db: Database) throws -> (Set<JobID>, Bool) {
        var applied: Set<JobID> = []
        var requeued = false
        var ended: [Job] = []
        for outcome in outcomes {
            guard let job = try job(outcome.jobID, in: db), let settled = JobTransitions.settle(job, with: outcome) else { continue }
            let called = try write(settled, from: job, origin: origin, in: db)
            applied.insert(settled.id)
            if settled.status == .queued || called { requeued = true }
            if settled.status.isTerminal { ended.append(settled) }
        }
        let released = try releaseDependents(of: ended, now: Date(), origin: origin, in: db)
        return (applied, requeued || released)
    }

    /// Tells the jobs waiting on `ended` (as ``DependencyWalk`` does, each wait taken once), and
    /// records the ones that ended in turn for other processes. Returns whether any became ready.
    static func releaseDependents(of ended: [Job], now: Date, origin: String, in db: Database) throws -> Bool {
        guard !ended.isEmpty else { return false }
        var walk = DependencyWalk(ended: ended, now: now)
        var ready = false
        let take = try db.cachedStatement(sql: "DELETE FROM job_dependencies WHERE depends_on = ? RETURNING job_id")
        while let dependency = walk.next() {
            let ids = try Data.fetchAll(take, arguments: [dependency.id.bytes]).compactMap(JobID.init(bytes:))
            for id in ids {
                guard let waiting = try job(id, in: db), let moved = walk.settle(waiting, after: dependency) else { continue }
                let called = try write(moved, from: waiting, origin: origin, in: db)
                if moved.status == .queued || called { ready = true }
            }
        }
        return ready
    }
}
