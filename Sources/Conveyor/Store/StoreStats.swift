public import Foundation

/// Counts a store can answer quickly even with a million rows.
public struct StoreStats: Sendable, Hashable {
    public var counts: [JobStatus: Int]
    public var oldestQueuedAt: Date?
    public var oldestRunningStartedAt: Date?
    /// Jobs that finished (completed or failed) in the last minute.
    public var finishedLastMinute: Int
    /// ``counts`` queue by queue (states with no jobs left out), for per-queue views and metrics.
    public var byQueue: [String: [JobStatus: Int]]

    public init(
        counts: [JobStatus: Int], oldestQueuedAt: Date?, oldestRunningStartedAt: Date?, finishedLastMinute: Int,
        byQueue: [String: [JobStatus: Int]] = [:]
    ) {
        self.byQueue = byQueue
        self.counts = counts
        self.oldestQueuedAt = oldestQueuedAt
        self.oldestRunningStartedAt = oldestRunningStartedAt
        self.finishedLastMinute = finishedLastMinute
    }

    public func count(_ status: JobStatus) -> Int { counts[status, default: 0] }
    public var total: Int { counts.values.reduce(0, +) }
}
