import Conveyor
import Foundation
import GRDB

/// How jobs map to rows: the one column list every query selects or returns, and the
/// conversions of ids and times.
enum SQLiteColumns {
    /// The order `job(from:)` reads.
    static let job = """
        id, type, queue, state, priority, payload, result, error, error_permanent, attempts, max_attempts, \
        progress_percent, progress_stage, progress_message, owner, dedup_key, timeout_ms, created_at, run_at, \
        started_at, finished_at, lease_owner, lease_expires_at, error_code, sequence, attempt_log, \
        depends_on, on_dependency_failure, waiting_on, flow_id, flow_key, flow_name, batch_id, batch_callback
        """

    /// The column names of `job`, for checking a table is Conveyor's.
    static let names = job.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }

    /// Columns of `job` a later migration adds, by that migration: a file it has not reached yet
    /// lacks them and is still Conveyor's.
    static let addedByMigration = [
        "attempt_log": SQLiteSchema.attemptFailures,
        "depends_on": SQLiteSchema.dependencies, "on_dependency_failure": SQLiteSchema.dependencies, "waiting_on": SQLiteSchema.dependencies,
        "flow_id": SQLiteSchema.dependencies, "flow_key": SQLiteSchema.dependencies, "flow_name": SQLiteSchema.dependencies,
        "batch_id": SQLiteSchema.batches, "batch_callback": SQLiteSchema.batches,
    ]

    static let terminalStates = "('completed', 'failed', 'cancelled')"

    /// `state = '…'` as a literal (states are a closed set), with the `jobs_state` index's
    /// condition spelled out where it applies so SQLite can use that partial index.
    static func stateCondition(_ status: JobStatus) -> String {
        switch status {
        case .queued, .completed: "state = '\(status.rawValue)'"
        default: "state NOT IN ('queued', 'completed') AND state = '\(status.rawValue)'"
        }
    }

    /// Runs `statement` and decodes every row it returns. The cursor's row reads each column
    /// straight from SQLite, where `Row.fetchAll` would first copy all of them.
    static func jobs(_ statement: Statement, arguments: StatementArguments) throws -> [Job] {
        var jobs: [Job] = []
        let cursor = try Row.fetchCursor(statement, arguments: arguments)
        while let row = try cursor.next() { jobs.append(try job(from: row)) }
        return jobs
    }

    static func job(from row: Row) throws -> Job {
        let idBytes: Data = row[0]
        guard let id = JobID(bytes: idBytes) else {
            throw ConveyorError(.storeUnavailable, "jobs.id: \(idBytes.count) bytes where a 16-byte job id was expected")
        }
        let stateText: String = row[3]
        guard let status = JobStatus(rawValue: stateText) else {
            throw ConveyorError(.storeUnavailable, "jobs.state: '\(stateText)' is not a job state this build knows")
        }
        let rank: Int = row[4]
        guard let priority = JobPriority(rank: rank) else {
            throw ConveyorError(.storeUnavailable, "jobs.priority: \(rank) is not a priority rank this build knows")
        }
        let errorMessage: String? = row[7]
        let worker: String? = row[21]
        let leaseExpiry: Int64? = row[22]
        return Job(
            id: id, type: row[1], queue: row[2], status: status,
            priority: priority,
            payload: row[5], result: row[6],
            error: errorMessage.map { JobFailure(code: (row[23] as String?).map { ErrorCode(rawValue: $0) } ?? .handlerError, message: $0, isPermanent: row[8] ?? false) },
            attempts: row[9], maxAttempts: row[10],
            progress: JobProgress(percent: row[11], stage: row[12], message: row[13]),
            owner: row[14], dedupKey: row[15], timeout: .milliseconds(row[16] as Int64),
            createdAt: date(row[17]), scheduledAt: date(row[18]),
            startedAt: (row[19] as Int64?).map(date), finishedAt: (row[20] as Int64?).map(date),
            lease: worker.flatMap { owner in leaseExpiry.map { JobLease(workerID: owner, expiresAt: date($0)) } },
            worker: worker, failedAttempts: try AttemptFailure.stored(row[25], column: "jobs.attempt_log"),
            dependsOn: try JobID.stored(row[26], column: "jobs.depends_on"),
            onDependencyFailure: (row[27] as String?).flatMap(DependencyFailurePolicy.init(rawValue:)) ?? .cancel, waitingOn: row[28],
            flow: (row[29] as Data?).flatMap(JobID.init(bytes:)).map { FlowMembership(id: $0, key: row[30] ?? "", name: row[31]) },
            batch: (row[32] as Data?).flatMap(JobID.init(bytes:)).map {
                BatchMembership(id: $0, callback: (row[33] as String?).flatMap(BatchCallbackKind.init(rawValue:)))
            },
            sequence: row[24])
    }

    /// Writes back what a move (``JobTransitions``) changed: every column a move may touch, kept
    /// only while the row is still in the state the move started from.
    static let update = """
        UPDATE jobs SET state = ?, result = ?, error = ?, error_code = ?, error_permanent = ?, attempts = ?, run_at = ?,
            started_at = ?, finished_at = ?, progress_percent = ?, progress_stage = ?, progress_message = ?,
            lease_owner = ?, lease_expires_at = ?, sequence = ?, attempt_log = ?, waiting_on = ?
        WHERE id = ? AND state = ?
        """

    /// The bindings of ``update`` for `job`, moved from `from`.
    static func updateArguments(_ job: Job, from: JobStatus) -> StatementArguments {
        [
            job.status.rawValue, job.result, job.error?.message, job.error?.code.rawValue, job.error?.isPermanent, job.attempts,
            micros(job.scheduledAt), job.startedAt.map(micros), job.finishedAt.map(micros), job.progress.percent, job.progress.stage,
            job.progress.message, job.worker, job.lease.map { micros($0.expiresAt) }, job.sequence,
            AttemptFailure.stored(job.failedAttempts), job.waitingOn, job.id.bytes, from.rawValue,
        ]
    }

    static func micros(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    static func date(_ micros: Int64) -> Date {
        Date(timeIntervalSince1970: Double(micros) / 1_000_000)
    }
}
