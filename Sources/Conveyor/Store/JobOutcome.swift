public import Foundation

/// How an attempt ended, as a worker reports it. Stores apply it only while the worker
/// still holds the job's lease, so a job cancelled or rescued meanwhile is left alone.
public struct JobOutcome: Sendable, Hashable {
    public enum Resolution: Sendable, Hashable {
        /// Done: `completed` with this JSON result.
        case completed(result: Data)
        /// Given up: `failed` (the dead-letter list).
        case failed(JobFailure)
        /// Try again at this time: `scheduled`, the attempt counted.
        case retry(at: Date, JobFailure)
        /// Run again at this time without counting the attempt (e.g. HTTP 429 retry_after).
        case runAgain(at: Date, reason: String)
        /// Back to `queued` without counting the attempt (a worker shutting down).
        case released
    }

    public var jobID: JobID
    public var workerID: String
    public var resolution: Resolution
    public var finishedAt: Date

    public init(jobID: JobID, workerID: String, resolution: Resolution, finishedAt: Date = Date()) {
        self.jobID = jobID
        self.workerID = workerID
        self.resolution = resolution
        self.finishedAt = finishedAt
    }

    /// The status the job takes.
    public var status: JobStatus {
        switch resolution {
        case .completed: .completed
        case .failed: .failed
        case .retry, .runAgain: .scheduled
        case .released: .queued
        }
    }
}
