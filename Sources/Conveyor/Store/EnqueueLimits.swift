/// How many unfinished jobs a store may hold, checked in the same transaction as the enqueue, so
/// concurrent enqueuers cannot both take the last place. Each is `nil` for no limit.
///
/// A per-queue cap alone is not enough where users name queues: five queue names would hold five
/// times the cap. The total and per-owner caps close that.
public struct EnqueueLimits: Sendable, Hashable {
    /// Unfinished, unstarted jobs (scheduled, waiting, queued) one queue may hold
    /// (`CONVEYOR_MAX_QUEUE_SIZE`); past it, `queueFull`.
    public var maxQueueSize: Int?
    /// Unfinished jobs (running included) the whole store may hold (`CONVEYOR_MAX_JOBS`); past
    /// it, `queueFull`.
    public var maxUnfinished: Int?
    /// Unfinished jobs one owner may have (`CONVEYOR_MAX_JOBS_PER_USER`); past it,
    /// `tooManyJobs`. Jobs without an owner are not counted.
    public var maxUnfinishedPerOwner: Int?

    /// No limits.
    public static let none = EnqueueLimits()

    public init(maxQueueSize: Int? = nil, maxUnfinished: Int? = nil, maxUnfinishedPerOwner: Int? = nil) {
        self.maxQueueSize = maxQueueSize
        self.maxUnfinished = maxUnfinished
        self.maxUnfinishedPerOwner = maxUnfinishedPerOwner
    }
}
