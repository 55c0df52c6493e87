import Conveyor
import Foundation
import NIOCore
import PostgresNIO

/// How jobs map to rows: the one column list every query selects or returns, and its decoding.
enum PostgresColumns {
    /// The order `job(from:)` reads.
    static let job = """
        id, type, queue, state, priority, payload, result, error, error_permanent, attempts, max_attempts, \
        progress_percent, progress_stage, progress_message, owner, dedup_key, timeout_ms, created_at, run_at, \
        started_at, finished_at, lease_owner, lease_expires_at, error_code, sequence, attempt_log, \
        depends_on, on_dependency_failure, waiting_on, flow_id, flow_key, flow_name, batch_id, batch_callback
        """

    /// `job` with every column qualified by `alias`, for `UPDATE … FROM … RETURNING`.
    static func job(qualifiedBy alias: String) -> String {
        job.split(separator: ",").map { "\(alias).\($0.trimmingCharacters(in: .whitespaces))" }.joined(separator: ", ")
    }

    /// `state = 'running'` in a form no index can serve. Rows looked up by id must be found through
    /// the primary key: each job passes through `running`, so the state index holds many entries
    /// for rows long since finished (until vacuum), and a plan that scans it to find a few running
    /// jobs reads all of those.
    static func isRunning(_ alias: String? = nil) -> String {
        "(\(alias.map { "\($0)." } ?? "")state = 'running') IS TRUE"
    }

    static let terminalStates = "('completed', 'failed', 'cancelled')"

    /// The job in the row's columns from `offset` on, in ``job``'s order.
    static func job(from row: PostgresRow, offset: Int = 0) throws -> Job {
        let row = ShiftedRow(row: row.makeRandomAccess(), offset: offset)
        let stateText = try row[3].decode(String.self)
        guard let status = JobStatus(rawValue: stateText) else {
            throw ConveyorError(.storeUnavailable, "conveyor_jobs.state: '\(stateText)' is not a job state this build knows")
        }
        let rank = try row[4].decode(Int.self)
        guard let priority = JobPriority(rank: rank) else {
            throw ConveyorError(.storeUnavailable, "conveyor_jobs.priority: \(rank) is not a priority rank this build knows")
        }
        let errorMessage = try row[7].decode(String?.self)
        let worker = try row[21].decode(String?.self)
        let leaseExpiry = try row[22].decode(Date?.self)
        return Job(
            id: JobID(try row[0].decode(UUID.self)), type: try row[1].decode(String.self), queue: try row[2].decode(String.self),
            status: status, priority: priority,
            payload: try row[5].decode(Data.self), result: try row[6].decode(Data?.self),
            error: try errorMessage.map {
                JobFailure(
                    code: try row[23].decode(String?.self).map { ErrorCode(rawValue: $0) } ?? .handlerError, message: $0,
                    isPermanent: try row[8].decode(Bool?.self) ?? false)
            },
            attempts: try row[9].decode(Int.self), maxAttempts: try row[10].decode(Int.self),
            progress: JobProgress(
                percent: try row[11].decode(Double.self), stage: try row[12].decode(String?.self), message: try row[13].decode(String?.self)),
            owner: try row[14].decode(String?.self), dedupKey: try row[15].decode(String?.self),
            timeout: .milliseconds(try row[16].decode(Int64.self)),
            createdAt: try row[17].decode(Date.self), scheduledAt: try row[18].decode(Date.self),
            startedAt: try row[19].decode(Date?.self), finishedAt: try row[20].decode(Date?.self),
            lease: worker.flatMap { owner in leaseExpiry.map { JobLease(workerID: owner, expiresAt: $0) } },
            worker: worker, failedAttempts: try AttemptFailure.stored(try row[25].decode(String?.self), column: "conveyor_jobs.attempt_log"),
            dependsOn: try JobID.stored(try row[26].decode(String?.self), column: "conveyor_jobs.depends_on"),
            onDependencyFailure: try row[27].decode(String?.self).flatMap(DependencyFailurePolicy.init(rawValue:)) ?? .cancel,
            waitingOn: try row[28].decode(Int.self),
            flow: try row[29].decode(UUID?.self).map { FlowMembership(id: JobID($0), key: try row[30].decode(String?.self) ?? "", name: try row[31].decode(String?.self)) },
            batch: try row[32].decode(UUID?.self).map {
                BatchMembership(id: JobID($0), callback: try row[33].decode(String?.self).flatMap(BatchCallbackKind.init(rawValue:)))
            },
            sequence: try row[24].decode(Int.self))
    }

    /// Writes back what a move (``JobTransitions``) changed: every column a move may touch, kept
    /// only while the row is still in the state the move started from. The counting trigger
    /// keeps the counters.
    static func update(_ job: Job, from old: JobStatus) -> PostgresQuery {
        """
        UPDATE conveyor_jobs SET state = \(job.status.rawValue), result = \(job.result.map { ByteBuffer(bytes: $0) }),
            error = \(job.error?.message), error_code = \(job.error?.code.rawValue), error_permanent = \(job.error?.isPermanent),
            attempts = \(job.attempts), run_at = \(job.scheduledAt), started_at = \(job.startedAt), finished_at = \(job.finishedAt),
            progress_percent = \(job.progress.percent), progress_stage = \(job.progress.stage), progress_message = \(job.progress.message),
            lease_owner = \(job.worker), lease_expires_at = \(job.lease?.expiresAt), sequence = \(job.sequence),
            attempt_log = \(AttemptFailure.stored(job.failedAttempts)), waiting_on = \(job.waitingOn)
        WHERE id = \(job.id.uuid) AND state = \(old.rawValue)
        RETURNING 1
        """
    }

    /// A row read from column `offset` on.
    private struct ShiftedRow {
        var row: PostgresRandomAccessRow
        var offset: Int
        subscript(index: Int) -> PostgresCell { row[offset + index] }
    }

    /// Every row of `rows` as a job.
    static func jobs(_ rows: PostgresRowSequence) async throws -> [Job] {
        var jobs: [Job] = []
        for try await row in rows { jobs.append(try job(from: row)) }
        return jobs
    }
}
