import DequeModule
public import Foundation
import HeapModule
import Synchronization

/// The `memory:` store: everything in one process's memory, lost when it exits. For tests,
/// demos and benchmarks; the semantics are the same as the durable stores'.
public final class MemoryJobStore: JobStore, JobWakeupSource, WorkerDirectory, Sendable {
    struct Due: Comparable {
        let runAt: Date
        let id: JobID
        static func < (a: Due, b: Due) -> Bool { (a.runAt, a.id) < (b.runAt, b.id) }
    }

    struct State {
        var jobs: [JobID: Job] = [:]
        /// Per queue, one FIFO per priority rank. Entries may be stale (cancelled): skipped on read.
        var ready: [String: [Deque<JobID>]] = [:]
        var scheduled = Heap<Due>()
        var running: Set<JobID> = []
        var dedup: [DedupScope: JobID] = [:]
        /// Unfinished jobs per owner: what `maxUnfinishedPerOwner` limits.
        var owned: [String: Int] = [:]
        var counts: [JobStatus: Int] = [:]
        var byQueue: [String: [JobStatus: Int]] = [:]
        /// Unfinished, unstarted jobs per queue: what `maxQueueSize` limits.
        var pending: [String: Int] = [:]
        var paused: Set<String> = []
        var finishedTimes: Deque<Date> = []
        /// Per job, the waiting jobs to tell when it ends (each told once: the entry goes then).
        var dependents: [JobID: [JobID]] = [:]
        var batches: [JobID: MemoryBatch] = [:]
        /// Recorded steps per job, by key.
        var steps: [JobID: [String: StepRecord]] = [:]
        var rotation = 0
        /// Set by an operation that made work ready; the caller signals after the lock.
        var woke = false

        static let emptyLanes = Array(repeating: Deque<JobID>(), count: JobPriority.allCases.count)

        /// Keeps `new` in place of `old` (the same job after a move) and every index in step.
        mutating func replace(_ old: Job, with new: Job) {
            let (from, to) = (old.status, new.status)
            jobs[new.id] = new
            guard from != to else { return }
            counts[from, default: 0] -= 1
            counts[to, default: 0] += 1
            byQueue[new.queue, default: [:]][from, default: 0] -= 1
            byQueue[new.queue, default: [:]][to, default: 0] += 1
            if from.isPending { pending[new.queue, default: 0] -= 1 }
            if to.isPending { pending[new.queue, default: 0] += 1 }
            if from == .running { running.remove(new.id) }
            if to == .running { running.insert(new.id) }
            if let owner = new.owner, from.isTerminal != to.isTerminal { owned[owner, default: 0] += to.isTerminal ? -1 : 1 }
            if let scope = new.dedupScope {
                if to.isTerminal, dedup[scope] == new.id { dedup[scope] = nil }
                if from.isTerminal, !to.isTerminal { dedup[scope] = new.id }
            }
            if to == .completed || to == .failed, let finished = new.finishedAt { recordFinish(at: finished) }
            if let batch = new.batch, batch.isMember, from.isTerminal != to.isTerminal {
                if to.isTerminal { batchJobEnded(batch.id, status: to, at: new.finishedAt ?? Date()) } else { batches[batch.id]?.tally.restarted() }
            }
        }

        /// Files a new job (counts, limits' counters, where claims find it).
        mutating func insert(_ job: Job) {
            jobs[job.id] = job
            counts[job.status, default: 0] += 1
            byQueue[job.queue, default: [:]][job.status, default: 0] += 1
            // A job whose dependency had already failed starts (and ends) cancelled.
            guard !job.status.isTerminal else { return }
            pending[job.queue, default: 0] += 1
            if let scope = job.dedupScope { dedup[scope] = job.id }
            if let owner = job.owner { owned[owner, default: 0] += 1 }
            if job.status == .queued { makeReady(job) } else if job.status == .scheduled { scheduled.insert(Due(runAt: job.scheduledAt, id: job.id)) }
        }

        mutating func makeReady(_ job: Job, first: Bool = false) {
            // Mutated in place through the default subscript: copying the lanes would copy every queued id.
            if first {
                ready[job.queue, default: State.emptyLanes][job.priority.rank].prepend(job.id)
            } else {
                ready[job.queue, default: State.emptyLanes][job.priority.rank].append(job.id)
            }
        }

        mutating func recordFinish(at date: Date) {
            finishedTimes.append(date)
            let horizon = date.addingTimeInterval(-60)
            while let first = finishedTimes.first, first < horizon { finishedTimes.removeFirst() }
        }

        mutating func popReady(queue: String, rank: Int) -> JobID? {
            while let id = ready[queue]?[rank].popFirst() {
                if jobs[id]?.status == .queued { return id }
            }
            return nil
        }

        mutating func wake() { woke = true }

        /// Tells the jobs waiting on `ended` (jobs that just ended), and on those cancelled in turn.
        mutating func releaseDependents(of ended: [Job], now: Date) {
            guard !dependents.isEmpty else { return }
            var walk = DependencyWalk(ended: ended, now: now)
            while let dependency = walk.next() {
                for id in dependents.removeValue(forKey: dependency.id) ?? [] {
                    guard let waiting = jobs[id], let moved = walk.settle(waiting, after: dependency) else { continue }
                    replace(waiting, with: moved)
                    place(moved)
                }
            }
        }

        /// Files a job that just became ready or scheduled where claims and promotion find it.
        mutating func place(_ job: Job) {
            switch job.status {
            case .queued:
                makeReady(job)
                wake()
            case .scheduled: scheduled.insert(Due(runAt: job.scheduledAt, id: job.id))
            default: break
            }
        }
    }

    let state = Mutex(State())
    private let workers = Mutex<[String: WorkerRecord]>([:])
    private let wakeup = WakeupBroadcaster()

    /// Runs `body` under the lock, then wakes listeners if it made work ready.
    func locked<T>(_ body: (inout State) throws -> T) rethrows -> T {
        let (value, woke) = try state.withLock { state in
            state.woke = false
            return (try body(&state), state.woke)
        }
        if woke { wakeup.signal() }
        return value
    }

    public init() {}

    // MARK: JobQueueStore

    public func enqueue(_ newJobs: [NewJob], limits: EnqueueLimits) async throws -> [EnqueueResult] {
        try locked { state in
            for new in newJobs where state.jobs[new.id] != nil {
                throw ConveyorError(.conflict, "A job with id \(new.id) already exists")
            }
            var plan = EnqueuePlan(newJobs) { scope in state.dedup[scope].flatMap { state.jobs[$0] } }
            try plan.resolveDependencies(of: newJobs, stored: { state.jobs[$0] }, now: Date())
            try plan.checkCapacity(
                limits, waiting: { state.pending[$0, default: 0] },
                unfinished: { state.counts.filter { !$0.key.isTerminal }.values.reduce(0, +) }, owned: { state.owned[$0, default: 0] })
            let jobs = plan.newJobs
            for job in jobs { state.insert(job) }
            for wait in plan.waits { state.dependents[wait.dependsOn, default: []].append(wait.job) }
            if !jobs.isEmpty { state.wake() }
            return plan.results
        }
    }

    public func claim(_ request: ClaimRequest) async throws -> [Job] {
        locked { state in
            let request = request.taken(at: Date())
            let queues = (request.queues ?? Array(state.ready.keys)).filter { !state.paused.contains($0) && state.ready[$0] != nil }
            guard !queues.isEmpty, request.limit > 0 else { return [] }
            state.rotation &+= 1
            let start = state.rotation % queues.count
            let rotated = Array(queues[start...] + queues[..<start])
            var claimed: [Job] = []
            claimed.reserveCapacity(request.limit)
            for priority in request.priorityOrder {
                var found = true
                while found && claimed.count < request.limit {
                    found = false
                    for queue in rotated where claimed.count < request.limit {
                        guard let id = state.popReady(queue: queue, rank: priority.rank), let job = state.jobs[id] else { continue }
                        found = true
                        let running = JobTransitions.claim(job, for: request)
                        state.replace(job, with: running)
                        claimed.append(running)
                    }
                }
            }
            return claimed
        }
    }

    public func complete(_ outcomes: [JobOutcome]) async throws -> Set<JobID> {
        locked { state in
            var applied: Set<JobID> = []
            var ended: [Job] = []
            for outcome in outcomes {
                guard let job = state.jobs[outcome.jobID], let settled = JobTransitions.settle(job, with: outcome) else { continue }
                state.replace(job, with: settled)
                if settled.status.isTerminal && !state.dependents.isEmpty { ended.append(settled) }
                switch settled.status {
                case .scheduled: state.scheduled.insert(Due(runAt: settled.scheduledAt, id: settled.id))
                case .queued:
                    state.makeReady(settled, first: true)
                    state.wake()
                default: break
                }
                applied.insert(settled.id)
            }
            state.releaseDependents(of: ended, now: Date())
            return applied
        }
    }

    public func heartbeat(workerID: String, jobs ids: [JobID], leaseExpiresAt: Date) async throws -> Set<JobID> {
        locked { state in
            var lost: Set<JobID> = []
            for id in ids {
                if state.jobs[id]?.status == .running, state.jobs[id]?.lease?.workerID == workerID {
                    state.jobs[id]?.lease?.expiresAt = leaseExpiresAt
                } else {
                    lost.insert(id)
                }
            }
            return lost
        }
    }

    public func recordProgress(_ updates: [JobID: JobProgress]) async throws {
        locked { state in
            for (id, progress) in updates where state.jobs[id]?.status == .running {
                state.jobs[id]?.progress = progress
            }
        }
    }

    public func promoteDueJobs(now: Date) async throws -> Int {
        locked { state in
            var promoted = 0
            while let next = state.scheduled.min, next.runAt <= now {
                state.scheduled.removeMin()
                guard let job = state.jobs[next.id], job.status == .scheduled, job.scheduledAt == next.runAt else { continue }
                let ready = JobTransitions.promote(job)
                state.replace(job, with: ready)
                state.makeReady(ready)
                promoted += 1
            }
            if promoted > 0 { state.wake() }
            return promoted
        }
    }

    public func rescueExpiredLeases(now: Date) async throws -> Int {
        locked { state in
            let expired = state.running.compactMap { state.jobs[$0] }.filter { JobTransitions.leaseLapsed($0, now: now) }
            var ended: [Job] = []
            for job in expired {
                let rescued = JobTransitions.rescue(job, now: now)
                state.replace(job, with: rescued)
                if rescued.status == .queued { state.makeReady(rescued, first: true) } else { ended.append(rescued) }
            }
            state.releaseDependents(of: ended, now: now)
            if !expired.isEmpty { state.wake() }
            return expired.count
        }
    }

    // MARK: JobInspectionStore

    public func job(_ id: JobID) async throws -> Job? {
        locked { $0.jobs[id] }
    }

    public func jobs(matching filter: JobFilter) async throws -> JobPage {
        locked { state in
            let limit = min(max(filter.limit, 1), 1000)
            let matching = state.jobs.values.filter { job in
                (filter.status.map { job.status == $0 } ?? true) && (filter.type.map { job.type == $0 } ?? true)
                    && (filter.queue.map { job.queue == $0 } ?? true) && (filter.owner.map { job.owner == $0 } ?? true)
                    && (filter.cursor.map { job.id < $0 } ?? true) && (filter.flowID.map { job.flow?.id == $0 } ?? true)
                    && (filter.batchID.map { job.batch?.id == $0 } ?? true)
                    && filter.searchMatches(job)
            }.sorted { $0.id > $1.id }
            let page = Array(matching.prefix(limit))
            return JobPage(jobs: page, nextCursor: matching.count > limit ? page.last?.id : nil)
        }
    }

    public func stats(now: Date) async throws -> StoreStats {
        locked { state in
            let horizon = now.addingTimeInterval(-60)
            while let first = state.finishedTimes.first, first < horizon { state.finishedTimes.removeFirst() }
            var oldestQueued: Date?
            for queue in Array(state.ready.keys) {
                for rank in 0..<JobPriority.allCases.count {
                    while let id = state.ready[queue]?[rank].first, state.jobs[id]?.status != .queued { state.ready[queue]?[rank].removeFirst() }
                    if let id = state.ready[queue]?[rank].first, let at = state.jobs[id]?.scheduledAt {
                        oldestQueued = min(oldestQueued ?? at, at)
                    }
                }
            }
            let oldestRunning = state.running.compactMap { state.jobs[$0]?.startedAt }.min()
            return StoreStats(
                counts: state.counts.filter { $0.value > 0 }, oldestQueuedAt: oldestQueued,
                oldestRunningStartedAt: oldestRunning, finishedLastMinute: state.finishedTimes.count,
                byQueue: state.byQueue.mapValues { $0.filter { $0.value > 0 } }.filter { !$0.value.isEmpty })
        }
    }

    public func nextScheduledAt() async throws -> Date? {
        locked { $0.scheduled.min?.runAt }
    }

    // MARK: JobAdminStore

    public func cancel(_ id: JobID, now: Date) async throws -> Job {
        try locked { state in
            let job = state.jobs[id]
            let cancelled = try JobTransitions.cancel(job, id: id, now: now)
            if let job { state.replace(job, with: cancelled) }
            state.releaseDependents(of: [cancelled], now: now)
            return cancelled
        }
    }

    public func retry(_ id: JobID, now: Date) async throws -> Job {
        try locked { state in
            let job = state.jobs[id]
            let holder = job?.dedupScope.flatMap { state.dedup[$0] }
            let retried = try JobTransitions.retry(job, id: id, now: now, dedupHolder: holder)
            if let job { state.replace(job, with: retried) }
            state.steps[id] = state.steps[id]?.filter { $0.value.status != .running }
            state.makeReady(retried)
            state.wake()
            return retried
        }
    }

    public func prune(_ policy: RetentionPolicy, now: Date) async throws -> Int {
        locked { state in
            let limits: [JobStatus: Date] = [
                .completed: now.addingTimeInterval(-policy.completed.seconds),
                .failed: now.addingTimeInterval(-policy.failed.seconds),
                .cancelled: now.addingTimeInterval(-policy.cancelled.seconds),
            ]
            return removeFinished(in: &state) { job in
                guard let limit = limits[job.status], let finished = job.finishedAt else { return false }
                return finished < limit
            }
        }
    }

    public func deleteFailed(finishedBefore date: Date) async throws -> Int {
        locked { state in
            removeFinished(in: &state) { $0.status == .failed && ($0.finishedAt ?? date) < date }
        }
    }

    public func recordWorker(_ worker: WorkerRecord) async throws {
        workers.withLock { $0[worker.id] = worker }
    }

    public func workers(seenSince date: Date) async throws -> [WorkerRecord] {
        workers.withLock { workers in
            workers = workers.filter { $0.value.lastSeenAt >= date }
            return workers.values.sorted { $0.id < $1.id }
        }
    }

    public func removeWorker(id: String) async throws {
        _ = workers.withLock { $0.removeValue(forKey: id) }
    }

    public func setPaused(_ paused: Bool, queue: String) async throws {
        locked { state in
            if paused { state.paused.insert(queue) } else { state.paused.remove(queue) }
            if !paused { state.wake() }
        }
    }

    public func pausedQueues() async throws -> Set<String> {
        locked { $0.paused }
    }

    // MARK: JobWakeupSource

    public func wakeups() -> AsyncStream<Void> {
        wakeup.stream()
    }

    private func removeFinished(in state: inout State, where shouldRemove: (Job) -> Bool) -> Int {
        let doomed = state.jobs.values.filter { $0.status.isTerminal && shouldRemove($0) }
        for job in doomed {
            state.jobs[job.id] = nil
            state.steps[job.id] = nil
            state.counts[job.status, default: 0] -= 1
            state.byQueue[job.queue, default: [:]][job.status, default: 0] -= 1
        }
        return doomed.count
    }
}

extension JobStatus {
    /// Unfinished and unstarted: counted against `maxQueueSize`.
    var isPending: Bool { self == .queued || self == .scheduled || self == .waiting }
}
