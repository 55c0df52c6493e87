public import Foundation

/// Writes and takes jobs: what workers and enqueuers need. Every operation is atomic, and
/// claims and completions come in batches so SQL stores pay one round trip per batch.
public protocol JobQueueStore: Sendable {
    /// Inserts all jobs or none. A job whose `dedupKey` matches an unfinished job of the same
    /// owner returns that job instead. Throws `ConveyorError(.queueFull)` or `.tooManyJobs` when
    /// the new jobs would pass one of `limits` (see ``EnqueuePlan/checkCapacity(_:waiting:unfinished:owned:)``).
    func enqueue(_ jobs: [NewJob], limits: EnqueueLimits) async throws -> [EnqueueResult]
    /// Takes up to `limit` queued jobs, marks them running, starts an attempt and leases them.
    func claim(_ request: ClaimRequest) async throws -> [Job]
    /// Applies outcomes whose worker still holds the lease; returns the ids applied.
    func complete(_ outcomes: [JobOutcome]) async throws -> Set<JobID>
    /// `complete(outcomes)` then `claim(request)`, as one round trip where the store can.
    func complete(_ outcomes: [JobOutcome], andClaim request: ClaimRequest) async throws -> (applied: Set<JobID>, claimed: [Job])
    /// Extends the leases of these running jobs; returns those the worker no longer holds
    /// (cancelled or rescued), which it should stop.
    func heartbeat(workerID: String, jobs: [JobID], leaseExpiresAt: Date) async throws -> Set<JobID>
    /// Keeps the latest progress of running jobs.
    func recordProgress(_ updates: [JobID: JobProgress]) async throws
    /// Moves scheduled jobs whose time has come to `queued`; returns how many.
    func promoteDueJobs(now: Date) async throws -> Int
    /// Re-queues running jobs whose lease lapsed (their worker died); jobs with no attempts
    /// left fail. Returns how many were touched.
    func rescueExpiredLeases(now: Date) async throws -> Int
}

extension JobQueueStore {
    /// Applies `outcomes`, then claims with `request`: a worker's every turn. SQL stores
    /// override it to do both in one transaction and one round trip; this default makes two calls.
    public func complete(_ outcomes: [JobOutcome], andClaim request: ClaimRequest) async throws -> (applied: Set<JobID>, claimed: [Job]) {
        let applied = outcomes.isEmpty ? [] : try await complete(outcomes)
        return (applied, try await claim(request))
    }
}

/// Reads jobs and counts: what the API and dashboard need.
public protocol JobInspectionStore: Sendable {
    func job(_ id: JobID) async throws -> Job?
    func jobs(matching filter: JobFilter) async throws -> JobPage
    func stats(now: Date) async throws -> StoreStats
    /// Earliest run time of a scheduled job, so idle workers know when to look again.
    func nextScheduledAt() async throws -> Date?
}

/// Acts on jobs and queues on a user's behalf.
public protocol JobAdminStore: Sendable {
    /// Cancels a scheduled, waiting, queued or running job. Throws `.notFound`, or `.conflict`
    /// for a finished job.
    func cancel(_ id: JobID, now: Date) async throws -> Job
    /// Puts a failed or cancelled job back in the queue with its attempts reset.
    func retry(_ id: JobID, now: Date) async throws -> Job
    /// Deletes finished jobs older than the policy allows; returns how many.
    func prune(_ policy: RetentionPolicy, now: Date) async throws -> Int
    /// Deletes failed jobs that finished before `date` (dead-letter cleanup); returns how many.
    func deleteFailed(finishedBefore date: Date) async throws -> Int
    /// Stops or restarts claiming from a queue, for every worker sharing the store.
    func setPaused(_ paused: Bool, queue: String) async throws
    func pausedQueues() async throws -> Set<String>
}

/// Everything a runtime needs from a store: memory, SQLite and PostgreSQL all provide it.
public typealias JobStore = JobQueueStore & JobInspectionStore & JobAdminStore & BatchStore & StepStore

/// A store that can tell workers at once that new work is there (in-process, or via
/// LISTEN/NOTIFY); others are polled.
public protocol JobWakeupSource: Sendable {
    /// Yields whenever jobs may have become ready.
    func wakeups() -> AsyncStream<Void>
}

/// A store shared by several processes that carries job events between them — NOTIFY on
/// PostgreSQL, a change feed table on SQLite — so a server shows the progress and
/// outcome of jobs that `conveyor worker`s and other nodes run, with no poll per subscription.
public protocol JobEventSource: Sendable {
    /// Events of jobs moved by *other* processes sharing the store (this process's own come from
    /// its runtime already): each job's end (`completed`, `failed`, `cancelled`, with its result
    /// or error) and, where the store carries them, progress reports. `wanted` says whether
    /// anyone would look at them now; while it says no, the store does no work for them.
    func sharedEvents(wanted: @escaping @Sendable () -> Bool) -> AsyncStream<JobEvent>
}

/// A store holding resources (files, connections) to close at shutdown.
public protocol ClosableStore: Sendable {
    func close() async throws
}
