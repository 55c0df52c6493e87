public import Foundation

/// One batched claim: up to `limit` queued jobs, taken atomically and leased to `workerID`.
public struct ClaimRequest: Sendable, Hashable {
    public var workerID: String
    /// Queues to take from; `nil` for all. Paused queues are always skipped.
    public var queues: [String]?
    public var limit: Int
    /// Priorities in the order to fill the batch, drawn by weight for each claim so low
    /// priorities get their share; FIFO within each.
    public var priorityOrder: [JobPriority]
    public var now: Date
    public var leaseExpiresAt: Date

    public init(workerID: String, queues: [String]?, limit: Int, priorityOrder: [JobPriority], now: Date, leaseExpiresAt: Date) {
        self.workerID = workerID
        self.queues = queues
        self.limit = limit
        self.priorityOrder = priorityOrder
        self.now = now
        self.leaseExpiresAt = leaseExpiresAt
    }

    /// The request as of `moment`, when the store really takes the jobs (it may have waited for a
    /// lock since `now` was read): later times, the lease as long. A job released by another
    /// process's commit, which the claim could only see after that commit, then never starts
    /// before what released it ended.
    public func taken(at moment: Date) -> ClaimRequest {
        guard moment > now else { return self }
        var request = self
        request.leaseExpiresAt = leaseExpiresAt.addingTimeInterval(moment.timeIntervalSince(now))
        request.now = moment
        return request
    }
}
