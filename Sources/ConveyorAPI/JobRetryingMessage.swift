public import Conveyor
public import Foundation

/// WebSocket `job:retrying`: an attempt of a subscribed job failed and the job waits to run
/// again — when (`runAt`) and why — so a client shows "attempt 2 of 3 failed … next in 4s"
/// instead of a job that looks stuck. The subscription stays until `job:finished`.
public struct JobRetryingMessage: Codable, Sendable, Hashable {
    public static let type = "job:retrying"

    public var type: String = Self.type
    public var jobId: String
    /// The attempt that failed.
    public var attempt: Int
    public var error: JobFailure?
    public var runAt: Date
    public var sequence: Int
    public var timestamp: Date

    /// `nil` for a move that is no retry.
    public init?(_ change: JobStateChange) {
        guard change.status == .scheduled, let runAt = change.runAt else { return nil }
        jobId = change.jobID.description
        attempt = change.attempt
        error = change.error
        self.runAt = runAt
        sequence = change.sequence
        timestamp = change.timestamp
    }
}
