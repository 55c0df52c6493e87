import Conveyor
import Foundation
import PostgresNIO

extension PostgresJobStore {
    /// Writes what new jobs of a flow, or waiting on others, are made of beyond the common columns
    /// (their list, policy, how many they wait on, or the end of one whose dependency had already
    /// failed; their flow), and each wait.
    func recordDependencies(of jobs: [Job], waits: [(job: JobID, dependsOn: JobID)], on connection: PostgresConnection) async throws {
        guard !jobs.isEmpty else { return }
        try await connection.execute("""
            UPDATE conveyor_jobs j SET depends_on = nullif(v.depends_on, ''), on_dependency_failure = v.policy, waiting_on = v.waiting_on,
                finished_at = CASE WHEN v.ended THEN v.at END, error = CASE WHEN v.ended THEN v.message END,
                error_code = CASE WHEN v.ended THEN v.code END, error_permanent = CASE WHEN v.ended THEN true END,
                flow_id = CASE WHEN v.in_flow THEN v.flow_id END, flow_key = CASE WHEN v.in_flow THEN v.flow_key END,
                flow_name = CASE WHEN v.has_flow_name THEN v.flow_name END
            FROM unnest(\(jobs.map(\.id.uuid))::uuid[], \(jobs.map { JobID.stored($0.dependsOn) ?? "" })::text[],
                \(jobs.map(\.onDependencyFailure.rawValue))::text[], \(jobs.map(\.waitingOn))::int8[], \(jobs.map(\.status.isTerminal))::bool[],
                \(jobs.map { $0.finishedAt ?? $0.createdAt })::timestamptz[], \(jobs.map { $0.error?.message ?? "" })::text[],
                \(jobs.map { $0.error?.code.rawValue ?? "" })::text[], \(jobs.map { $0.flow != nil })::bool[],
                \(jobs.map { ($0.flow?.id ?? $0.id).uuid })::uuid[], \(jobs.map { $0.flow?.key ?? "" })::text[],
                \(jobs.map { $0.flow?.name != nil })::bool[], \(jobs.map { $0.flow?.name ?? "" })::text[])
                AS v(id, depends_on, policy, waiting_on, ended, at, message, code, in_flow, flow_id, flow_key, has_flow_name, flow_name)
            WHERE j.id = v.id
            """, logger: logger)
        guard !waits.isEmpty else { return }
        try await connection.execute("""
            INSERT INTO conveyor_job_dependencies (depends_on, job_id)
            SELECT * FROM unnest(\(waits.map(\.dependsOn.uuid))::uuid[], \(waits.map(\.job.uuid))::uuid[]) ON CONFLICT DO NOTHING
            """, logger: logger)
        // Dependencies new in this same enqueue were not there to be marked before.
        let marked = Array(Set(waits.map(\.dependsOn.uuid)))
        try await connection.execute(
            "UPDATE conveyor_jobs SET has_dependents = true WHERE id = ANY(\(marked)::uuid[]) AND NOT has_dependents", logger: logger)
    }

    /// Settles outcomes one by one, each job locked, as ``JobTransitions/settle(_:with:)`` says
    /// (nothing for one whose lease is gone), then releases the dependents of those that ended.
    func settleWithDependents(_ outcomes: [JobOutcome], on connection: PostgresConnection) async throws -> Set<JobID> {
        var applied: Set<JobID> = []
        var ended: [Job] = []
        // Locked in id order, so two settlers never wait on each other.
        for outcome in outcomes.sorted(by: { $0.jobID < $1.jobID }) {
            guard let job = try await lockedJob(outcome.jobID, on: connection), let settled = JobTransitions.settle(job, with: outcome) else { continue }
            try await write(settled, from: job, on: connection)
            applied.insert(settled.id)
            if settled.status.isTerminal { ended.append(settled) }
        }
        try await releaseDependents(of: ended, now: Date(), on: connection)
        if !applied.isEmpty { try await notifyReady(on: connection) }
        return applied
    }

    /// Tells the jobs waiting on `ended`, each wait taken once, as ``DependencyWalk`` does.
    func releaseDependents(of ended: [Job], now: Date, on connection: PostgresConnection) async throws {
        guard !ended.isEmpty else { return }
        var walk = DependencyWalk(ended: ended, now: now)
        var ready = false
        while let dependency = walk.next() {
            var ids: [UUID] = []
            let rows = try await connection.query(
                "DELETE FROM conveyor_job_dependencies WHERE depends_on = \(dependency.id.uuid) RETURNING job_id", logger: logger)
            for try await id in rows.decode(UUID.self) { ids.append(id) }
            for id in ids.sorted(by: { JobID($0) < JobID($1) }) {
                guard let waiting = try await lockedJob(JobID(id), on: connection), let moved = walk.settle(waiting, after: dependency) else { continue }
                try await write(moved, from: waiting, on: connection)
                if moved.status == .queued { ready = true }
            }
        }
        if ready {
            try await notifyReady(on: connection)
            wakeup.signal()
        }
    }
}
