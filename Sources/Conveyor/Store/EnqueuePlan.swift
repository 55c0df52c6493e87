public import Foundation

/// What a batch of new jobs comes to before a store writes it: each job is new, or the
/// unfinished job already holding its `dedupKey` in the same owner's scope (in the store or
/// earlier in the batch). Every store resolves a batch the same way with this, then checks the
/// limits and writes the new ones.
public struct EnqueuePlan: Sendable {
    /// One per new job, in order.
    public private(set) var results: [EnqueueResult] = []
    /// New jobs per queue: what `maxQueueSize` is checked against.
    public private(set) var added: [String: Int] = [:]
    /// New jobs per owner: what `maxUnfinishedPerOwner` is checked against.
    public private(set) var addedByOwner: [String: Int] = [:]

    /// `holder` returns the store's unfinished job with a dedup key in its scope, if any.
    public init(_ newJobs: [NewJob], holder: (DedupScope) throws -> Job?) rethrows {
        results.reserveCapacity(newJobs.count)
        var batchKeys: [DedupScope: Job] = [:]
        for new in newJobs {
            if let scope = new.dedupScope {
                if let existing = try batchKeys[scope] ?? holder(scope) {
                    results.append(EnqueueResult(job: existing, deduplicated: true))
                    continue
                }
                batchKeys[scope] = new.job
            }
            added[new.queue, default: 0] += 1
            if let owner = new.owner { addedByOwner[owner, default: 0] += 1 }
            results.append(EnqueueResult(job: new.job, deduplicated: false))
        }
    }

    /// Pairs (dependent, dependency) for every new job waiting on an unfinished one: what the
    /// store records so the dependency's end reaches the dependent, once.
    public private(set) var waits: [(job: JobID, dependsOn: JobID)] = []

    /// The jobs to write.
    public var newJobs: [Job] { results.filter { !$0.deduplicated }.map(\.job) }

    /// Starts each new job that depends on others as ``JobTransitions/start(_:dependencies:now:)``
    /// says, against `stored` (the store's job with an id, if any) and the new jobs before it, and
    /// collects ``waits``. Throws for the first bad `dependsOn`, naming the job's place in the batch
    /// when there are several.
    public mutating func resolveDependencies(of newJobs: [NewJob], stored: (JobID) throws -> Job?, now: Date) throws {
        guard newJobs.contains(where: { !$0.dependsOn.isEmpty }) else { return }
        var known: [JobID: Job] = [:]
        for (index, new) in newJobs.enumerated() where !results[index].deduplicated {
            if !new.dependsOn.isEmpty {
                var dependencies: [JobID: Job] = [:]
                for id in new.dependsOn { dependencies[id] = try known[id] ?? stored(id) }
                let started: Job
                do {
                    started = try JobTransitions.start(new, dependencies: dependencies, now: now)
                } catch let error as ConveyorError where newJobs.count > 1 {
                    throw ConveyorError(error.code, "jobs[\(index)]: \(error.message)")
                }
                results[index] = EnqueueResult(job: started, deduplicated: false)
                if started.status == .waiting {
                    waits += new.dependsOn.filter { dependencies[$0].map { !$0.status.isTerminal } ?? false }.map { (new.id, $0) }
                }
            }
            known[new.id] = results[index].job
        }
    }

    /// How many new jobs the batch adds in all.
    public var addedCount: Int { added.values.reduce(0, +) }

    /// Throws when the new jobs would pass a limit — checked most specific first: `queueFull`
    /// naming the first queue (by name) over `maxQueueSize`, `tooManyJobs` naming the owner over
    /// `maxUnfinishedPerOwner`, `queueFull` for the store over `maxUnfinished`. The closures give
    /// the counts now (a queue's unstarted jobs, the store's unfinished jobs, an owner's
    /// unfinished jobs); each is asked only when its limit is set.
    public func checkCapacity(
        _ limits: EnqueueLimits, waiting: (String) throws -> Int, unfinished: () throws -> Int = { 0 }, owned: (String) throws -> Int = { _ in 0 }
    ) throws {
        guard addedCount > 0 else { return }
        if let maxQueueSize = limits.maxQueueSize {
            for (queue, count) in added.sorted(by: { $0.key < $1.key }) {
                let now = try waiting(queue)
                if now + count > maxQueueSize {
                    throw ConveyorError(.queueFull, "Queue '\(queue)' is full: \(now) unfinished jobs waiting (maxQueueSize \(maxQueueSize))")
                }
            }
        }
        if let maxPerOwner = limits.maxUnfinishedPerOwner {
            for (owner, count) in addedByOwner.sorted(by: { $0.key < $1.key }) {
                let now = try owned(owner)
                if now + count > maxPerOwner {
                    throw ConveyorError(
                        .tooManyJobs, "'\(owner)' already has \(now) unfinished jobs; one user may have at most \(maxPerOwner) (maxJobsPerUser)")
                }
            }
        }
        if let maxUnfinished = limits.maxUnfinished {
            let now = try unfinished()
            if now + addedCount > maxUnfinished {
                throw ConveyorError(.queueFull, "The store is full: \(now) unfinished jobs in all queues (maxJobs \(maxUnfinished))")
            }
        }
    }
}
