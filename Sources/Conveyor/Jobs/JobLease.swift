public import Foundation

/// A worker's claim on a running job. It must be renewed before `expiresAt`, or any
/// worker may put the job back in the queue: that is how a killed worker's jobs run again.
public struct JobLease: Sendable, Hashable {
    /// The worker holding the job.
    public var workerID: String
    /// When the claim lapses unless renewed by a heartbeat.
    public var expiresAt: Date

    public init(workerID: String, expiresAt: Date) {
        self.workerID = workerID
        self.expiresAt = expiresAt
    }
}
