public import Foundation
public import Logging

/// The lifecycle log of every job a runtime touches, as an operator reads it in a worker's log:
/// enqueued, started (attempt k of n), retrying (in how long, why), run again, failed for good
/// (after how many attempts, why), completed (in how long), cancelled. `conveyor serve` and
/// `conveyor worker` install it; add it to your own runtime's middleware for the same lines.
/// Lines are at `info` (a permanent failure at `warning`), tagged with the job's id, type and queue.
public struct JobLogging: JobMiddleware {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func enqueued(_ job: Job) {
        logger.info("Job enqueued", metadata: tags(job))
    }

    public func run(_ job: Job, context: JobContext, next: () async throws -> Data) async throws -> Data {
        logger.info("Job started (attempt \(job.attempts) of \(job.maxAttempts))", metadata: tags(job))
        return try await next()
    }

    public func ended(_ job: Job, as status: JobStatus, error: JobFailure?, duration: Duration) {
        var metadata = tags(job)
        metadata["duration"] = "\(DurationText.format(duration))"
        if let error { metadata["error.code"] = "\(error.code.rawValue)" }
        let why = error.map { ": \($0.message)" } ?? ""
        switch status {
        case .completed:
            logger.info("Job completed in \(DurationText.format(duration))", metadata: metadata)
        case .scheduled:
            let wait = DurationText.format(.milliseconds(Int64(max(0, job.scheduledAt.timeIntervalSinceNow) * 1000)))
            if error == nil {
                logger.info("Job runs again in \(wait) without spending an attempt", metadata: metadata)
            } else {
                logger.info("Job attempt \(job.attempts) of \(job.maxAttempts) failed; retrying in \(wait)\(why)", metadata: metadata)
            }
        case .failed:
            logger.warning("Job failed after \(job.attempts) attempt\(job.attempts == 1 ? "" : "s")\(why)", metadata: metadata)
        case .cancelled:
            logger.info("Job cancelled", metadata: metadata)
        case .queued:
            logger.info("Job put back in its queue (worker stopping); no attempt spent", metadata: metadata)
        case .waiting, .running:
            break
        }
    }

    private func tags(_ job: Job) -> Logger.Metadata {
        ["job.id": "\(job.id)", "job.type": "\(job.type)", "job.queue": "\(job.queue)"]
    }
}
