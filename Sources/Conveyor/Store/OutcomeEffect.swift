public import Foundation

/// What an attempt's outcome does to its job, as values: the rule lives here once, and each
/// store only moves these values into its rows (the SQL stores bind them in one statement per
/// batch). Applied only while the worker still holds the lease (``JobTransitions/settle(_:with:)``).
public struct OutcomeEffect: Sendable, Hashable {
    public var status: JobStatus
    /// `-1` when the attempt is given back (run again later, released at shutdown), else `0`.
    public var attemptsChange: Int
    /// `true`: the last error stays as it is, and ``error`` is unused.
    public var keepsError: Bool
    /// The error the job keeps (`nil` clears it) unless ``keepsError``.
    public var error: JobFailure?
    /// The result the job keeps (`nil` for every outcome but `completed`).
    public var result: Data?
    /// The new run time, `nil` to leave it.
    public var runAt: Date?
    /// When the job finished; `nil` while it is not finished.
    public var finishedAt: Date?
    /// The new progress percent, `nil` to leave it.
    public var progressPercent: Double?
    /// What joins the job's ``Job/failedAttempts`` (an attempt spent without completing), as
    /// ``AttemptFailure/storedEntry(worker:endedAt:error:)`` for the SQL stores; `nil` for none.
    public var failureEntry: String?
    private let endedBy: String
    private let endedAt: Date

    /// The effect of `outcome` (DESIGN §3): completed keeps the result and clears the error;
    /// failed and retry keep the failure; run-again and release give the attempt back and keep
    /// the last error.
    public init(_ outcome: JobOutcome) {
        (attemptsChange, keepsError, error, result, runAt, finishedAt, progressPercent) = (0, false, nil, nil, nil, nil, nil)
        status = outcome.status
        (endedBy, endedAt) = (outcome.workerID, outcome.finishedAt)
        switch outcome.resolution {
        case .completed(let data):
            (result, finishedAt, progressPercent) = (data, outcome.finishedAt, 100)
        case .failed(let failure):
            (error, finishedAt) = (failure, outcome.finishedAt)
        case .retry(let date, let failure):
            (error, runAt) = (failure, date)
        case .runAgain(let date, _):
            (attemptsChange, keepsError, runAt) = (-1, true, date)
        case .released:
            (attemptsChange, keepsError) = (-1, true)
        }
        failureEntry = error.map { AttemptFailure.storedEntry(worker: endedBy, endedAt: endedAt, error: $0) }
    }

    /// The job after the effect (the lease is let go too; the caller checked it was held).
    public func applied(to job: Job) -> Job {
        var job = job
        job.status = status
        job.sequence += 1
        job.attempts += attemptsChange
        if !keepsError { job.error = error }
        if let error { job.failedAttempts.append(AttemptFailure(endingAttemptOf: job, worker: endedBy, at: endedAt, error: error)) }
        job.result = result
        if let runAt { job.scheduledAt = runAt }
        job.finishedAt = finishedAt
        if let progressPercent { job.progress.percent = progressPercent }
        job.lease = nil
        return job
    }
}
