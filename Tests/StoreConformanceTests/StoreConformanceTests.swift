import Conveyor
import Foundation
import Testing

/// The contract every `JobStore` must keep. Each test runs once per store in `StoreFactory.all`;
/// durable stores add themselves there.
@Suite("Store conformance")
struct StoreConformanceTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    func newJob(
        _ type: String = "noop", queue: String = "default", priority: JobPriority = .normal, runAt: Date? = nil, dedupKey: String? = nil, maxAttempts: Int = 3,
        owner: String? = nil, createdAt: Date = now
    ) -> NewJob {
        NewJob(
            type: type, queue: queue, priority: priority, payload: Data("{}".utf8), maxAttempts: maxAttempts, owner: owner, dedupKey: dedupKey,
            createdAt: createdAt, runAt: runAt)
    }

    func unfinished(_ store: any JobStore) async throws -> Int {
        let stats = try await store.stats(now: Self.now)
        return JobStatus.allCases.filter { !$0.isTerminal }.reduce(0) { $0 + stats.count($1) }
    }

    func claim(_ store: any JobStore, worker: String = "w1", limit: Int = 10, order: [JobPriority] = [.high, .normal, .low], queues: [String]? = nil, at now: Date = now, lease: TimeInterval = 30) async throws -> [Job] {
        try await store.claim(ClaimRequest(workerID: worker, queues: queues, limit: limit, priorityOrder: order, now: now, leaseExpiresAt: now.addingTimeInterval(lease)))
    }

    @Test("enqueue then claim returns jobs FIFO within a priority", arguments: StoreFactory.all)
    func fifo(factory: StoreFactory) async throws {
        let store = try await factory.make()
        let jobs = (0..<5).map { _ in newJob() }
        _ = try await store.enqueue(jobs, limits: .none)
        let claimed = try await claim(store, limit: 3)
        #expect(claimed.map(\.id) == jobs.prefix(3).map(\.id))
        #expect(claimed.allSatisfy { $0.status == .running && $0.attempts == 1 && $0.lease?.workerID == "w1" })
        let rest = try await claim(store, limit: 10)
        #expect(rest.map(\.id) == jobs.suffix(2).map(\.id))
        #expect(try await claim(store).isEmpty)
    }

    @Test("claims fill the batch in the requested priority order", arguments: StoreFactory.all)
    func priorityOrder(factory: StoreFactory) async throws {
        let store = try await factory.make()
        let low = newJob(priority: .low), normal = newJob(priority: .normal), high = newJob(priority: .high)
        _ = try await store.enqueue([low, normal, high], limits: .none)
        let first = try await claim(store, limit: 2, order: [.low, .high, .normal])
        #expect(first.map(\.id) == [low.id, high.id])
        #expect(try await claim(store, limit: 2).map(\.id) == [normal.id])
    }

    @Test("only the requested, unpaused queues are claimed", arguments: StoreFactory.all)
    func queuesAndPause(factory: StoreFactory) async throws {
        let store = try await factory.make()
        let a = newJob(queue: "a"), b = newJob(queue: "b")
        _ = try await store.enqueue([a, b], limits: .none)
        try await store.setPaused(true, queue: "a")
        #expect(try await store.pausedQueues() == ["a"])
        #expect(try await claim(store).map(\.id) == [b.id])
        #expect(try await claim(store).isEmpty)
        try await store.setPaused(false, queue: "a")
        #expect(try await claim(store, queues: ["b"]).isEmpty)
        #expect(try await claim(store, queues: ["a"]).map(\.id) == [a.id])
    }

    @Test("a second enqueue with the key of an unfinished job returns that job", arguments: StoreFactory.all)
    func dedup(factory: StoreFactory) async throws {
        let store = try await factory.make()
        let first = try await store.enqueue([newJob(dedupKey: "k")], limits: .none)[0]
        let second = try await store.enqueue([newJob(dedupKey: "k")], limits: .none)[0]
        #expect(!first.deduplicated && second.deduplicated && second.job.id == first.job.id)
        let inBatch = try await store.enqueue([newJob(dedupKey: "j"), newJob(dedupKey: "j")], limits: .none)
        #expect(inBatch[1].deduplicated && inBatch[1].job.id == inBatch[0].job.id)
        // Once finished, the key is free again.
        let running = try await claim(store, limit: 1)
        _ = try await store.complete([JobOutcome(jobID: running[0].id, workerID: "w1", resolution: .completed(result: Data("1".utf8)))])
        let third = try await store.enqueue([newJob(dedupKey: "k")], limits: .none)[0]
        #expect(!third.deduplicated && third.job.id != first.job.id)
    }

    @Test("a dedup key is unique per owner: another owner's key makes a new job and never returns theirs", arguments: StoreFactory.all)
    func dedupPerOwner(factory: StoreFactory) async throws {
        let store = try await factory.make()
        let alices = try await store.enqueue([newJob(dedupKey: "k", owner: "alice")], limits: .none)[0]
        let bobs = try await store.enqueue([newJob(dedupKey: "k", owner: "bob")], limits: .none)[0]
        #expect(!bobs.deduplicated && bobs.job.id != alices.job.id && bobs.job.owner == "bob")
        let ownerless = try await store.enqueue([newJob(dedupKey: "k")], limits: .none)[0]
        #expect(!ownerless.deduplicated && ownerless.job.owner == nil)
        let again = try await store.enqueue([newJob(dedupKey: "k", owner: "alice"), newJob(dedupKey: "k", owner: "bob")], limits: .none)
        #expect(again.map(\.deduplicated) == [true, true] && again.map(\.job.id) == [alices.job.id, bobs.job.id])
        // Retrying a finished job whose key another owner now holds is not a conflict.
        _ = try await store.cancel(alices.job.id, now: Self.now)
        _ = try await store.enqueue([newJob(dedupKey: "k", owner: "carol")], limits: .none)
        #expect(try await store.retry(alices.job.id, now: Self.now).status == .queued)
        await #expect(throws: ConveyorError.self) {
            _ = try await store.cancel(bobs.job.id, now: Self.now)
            _ = try await store.enqueue([newJob(dedupKey: "k", owner: "bob")], limits: .none)
            _ = try await store.retry(bobs.job.id, now: Self.now)
        }
    }

    @Test("the total cap and the per-owner cap count unfinished jobs in every queue, all or nothing", arguments: StoreFactory.all)
    func totalAndOwnerCaps(factory: StoreFactory) async throws {
        let store = try await factory.make()
        let perOwner = EnqueueLimits(maxUnfinishedPerOwner: 3)
        _ = try await store.enqueue([newJob(queue: "a", owner: "mallory"), newJob(queue: "b", owner: "mallory")], limits: perOwner)
        do {
            _ = try await store.enqueue([newJob(queue: "c", owner: "mallory"), newJob(queue: "d", owner: "mallory")], limits: perOwner)
            Issue.record("expected too_many_jobs")
        } catch let error as ConveyorError {
            #expect(error.code == .tooManyJobs && error.message.contains("mallory"), "\(error)")
        }
        // Someone else, and a running job still counting as unfinished.
        _ = try await store.enqueue([newJob(queue: "e", owner: "alice")], limits: perOwner)
        let running = try await claim(store, limit: 1)
        #expect(running.count == 1)
        _ = try await store.enqueue([newJob(queue: "f", owner: "mallory")], limits: perOwner)
        await #expect(throws: ConveyorError.self) { try await store.enqueue([newJob(queue: "g", owner: "mallory")], limits: perOwner) }
        // A finished job frees its place.
        let mine = try #require(try await store.jobs(matching: JobFilter(owner: "mallory")).jobs.first { $0.status == .queued })
        _ = try await store.cancel(mine.id, now: Self.now)
        _ = try await store.enqueue([newJob(queue: "g", owner: "mallory")], limits: perOwner)

        let total = EnqueueLimits(maxUnfinished: 4)
        #expect(try await unfinished(store) == 4)
        do {
            _ = try await store.enqueue([newJob(queue: "fresh")], limits: total)
            Issue.record("expected queue_full")
        } catch let error as ConveyorError {
            #expect(error.code == .queueFull, "\(error)")
        }
        #expect(try await unfinished(store) == 4)
    }

    @Test("queue capacity is enforced all or nothing", arguments: StoreFactory.all)
    func capacity(factory: StoreFactory) async throws {
        let store = try await factory.make()
        _ = try await store.enqueue([newJob(), newJob()], limits: EnqueueLimits(maxQueueSize: 3))
        await #expect(throws: ConveyorError.self) { try await store.enqueue([newJob(), newJob()], limits: EnqueueLimits(maxQueueSize: 3)) }
        #expect(try await store.stats(now: Self.now).count(.queued) == 2)
        _ = try await store.enqueue([newJob(queue: "other"), newJob()], limits: EnqueueLimits(maxQueueSize: 3))
        do {
            _ = try await store.enqueue([newJob()], limits: EnqueueLimits(maxQueueSize: 3))
            Issue.record("expected queue_full")
        } catch let error as ConveyorError {
            #expect(error.code == .queueFull)
            #expect(error.message.contains("default"))
        }
    }

    @Test("concurrent claimers never receive the same job", arguments: StoreFactory.all)
    func atomicClaims(factory: StoreFactory) async throws {
        let store = try await factory.make()
        _ = try await store.enqueue((0..<500).map { _ in newJob() }, limits: .none)
        let batches = try await withThrowingTaskGroup(of: [JobID].self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var mine: [JobID] = []
                    while true {
                        let got = try await claim(store, worker: "w\(worker)", limit: 7)
                        if got.isEmpty { return mine }
                        mine += got.map(\.id)
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(batches.count == 500)
        #expect(Set(batches).count == 500)
    }

    @Test("outcomes apply only while the worker holds the lease", arguments: StoreFactory.all)
    func leaseGuard(factory: StoreFactory) async throws {
        let store = try await factory.make()
        _ = try await store.enqueue([newJob(), newJob()], limits: .none)
        let jobs = try await claim(store)
        let wrongWorker = try await store.complete([JobOutcome(jobID: jobs[0].id, workerID: "intruder", resolution: .completed(result: Data()))])
        #expect(wrongWorker.isEmpty)
        _ = try await store.cancel(jobs[1].id, now: Self.now)
        let applied = try await store.complete([
            JobOutcome(jobID: jobs[0].id, workerID: "w1", resolution: .completed(result: Data("42".utf8)), finishedAt: Self.now),
            JobOutcome(jobID: jobs[1].id, workerID: "w1", resolution: .completed(result: Data("0".utf8))),
        ])
        #expect(applied == [jobs[0].id])
        let done = try #require(try await store.job(jobs[0].id))
        #expect(done.status == .completed && done.result == Data("42".utf8) && done.finishedAt == Self.now && done.lease == nil)
        #expect(try await store.job(jobs[1].id)?.status == .cancelled)
    }

    @Test("retry, run-again and release move the job and count attempts right", arguments: StoreFactory.all)
    func resolutions(factory: StoreFactory) async throws {
        let store = try await factory.make()
        _ = try await store.enqueue([newJob(), newJob(), newJob(), newJob()], limits: .none)
        let jobs = try await claim(store)
        let later = Self.now.addingTimeInterval(5)
        let failure = JobFailure(code: "handler_failed", message: "boom", isPermanent: false)
        _ = try await store.complete([
            JobOutcome(jobID: jobs[0].id, workerID: "w1", resolution: .retry(at: later, failure)),
            JobOutcome(jobID: jobs[1].id, workerID: "w1", resolution: .runAgain(at: later, reason: "429")),
            JobOutcome(jobID: jobs[2].id, workerID: "w1", resolution: .released),
            JobOutcome(jobID: jobs[3].id, workerID: "w1", resolution: .failed(JobFailure(code: "handler_failed", message: "bad", isPermanent: true))),
        ])
        let retried = try #require(try await store.job(jobs[0].id))
        #expect(retried.status == .scheduled && retried.attempts == 1 && retried.error == failure && retried.scheduledAt == later)
        let again = try #require(try await store.job(jobs[1].id))
        #expect(again.status == .scheduled && again.attempts == 0)
        let released = try #require(try await store.job(jobs[2].id))
        #expect(released.status == .queued && released.attempts == 0)
        let failed = try #require(try await store.job(jobs[3].id))
        #expect(failed.status == .failed && failed.error?.isPermanent == true)
        #expect(try await store.nextScheduledAt() == later)
        #expect(try await store.promoteDueJobs(now: Self.now) == 0)
        #expect(try await store.promoteDueJobs(now: later) == 2)
        #expect(try await claim(store, at: later).count == 3)
    }

    @Test("heartbeats extend leases and report jobs no longer held", arguments: StoreFactory.all)
    func heartbeats(factory: StoreFactory) async throws {
        let store = try await factory.make()
        _ = try await store.enqueue([newJob(), newJob()], limits: .none)
        let jobs = try await claim(store, lease: 10)
        _ = try await store.cancel(jobs[1].id, now: Self.now)
        let until = Self.now.addingTimeInterval(60)
        let lost = try await store.heartbeat(workerID: "w1", jobs: jobs.map(\.id), leaseExpiresAt: until)
        #expect(lost == [jobs[1].id])
        #expect(try await store.job(jobs[0].id)?.lease?.expiresAt == until)
        #expect(try await store.heartbeat(workerID: "w2", jobs: [jobs[0].id], leaseExpiresAt: until) == [jobs[0].id])
    }

    @Test("expired leases are rescued; jobs out of attempts fail", arguments: StoreFactory.all)
    func rescue(factory: StoreFactory) async throws {
        let store = try await factory.make()
        _ = try await store.enqueue([newJob(maxAttempts: 3), newJob(maxAttempts: 1)], limits: .none)
        let jobs = try await claim(store, lease: 10)
        #expect(try await store.rescueExpiredLeases(now: Self.now.addingTimeInterval(5)) == 0)
        #expect(try await store.rescueExpiredLeases(now: Self.now.addingTimeInterval(11)) == 2)
        let requeued = try #require(try await store.job(jobs[0].id))
        #expect(requeued.status == .queued && requeued.attempts == 1 && requeued.lease == nil)
        #expect(try await store.job(jobs[1].id)?.status == .failed)
        // The stale worker can no longer complete it.
        #expect(try await store.complete([JobOutcome(jobID: jobs[0].id, workerID: "w1", resolution: .completed(result: Data()))]).isEmpty)
        #expect(try await claim(store, worker: "w2").map(\.id) == [jobs[0].id])
    }

    @Test("cancel works on unfinished jobs and refuses finished ones", arguments: StoreFactory.all)
    func cancel(factory: StoreFactory) async throws {
        let store = try await factory.make()
        let queued = newJob(), scheduled = newJob(runAt: Self.now.addingTimeInterval(60)), running = newJob()
        _ = try await store.enqueue([running, queued, scheduled], limits: .none)
        _ = try await claim(store, limit: 1)
        for job in [queued, scheduled, running] {
            let cancelled = try await store.cancel(job.id, now: Self.now)
            #expect(cancelled.status == .cancelled && cancelled.finishedAt != nil)
        }
        #expect(try await claim(store).isEmpty)
        await #expect(throws: ConveyorError.self) { try await store.cancel(queued.id, now: Self.now) }
        await #expect(throws: ConveyorError.self) { try await store.cancel(JobID.make(), now: Self.now) }
    }

    @Test("retry puts failed and cancelled jobs back with attempts reset", arguments: StoreFactory.all)
    func retry(factory: StoreFactory) async throws {
        let store = try await factory.make()
        let job = newJob(dedupKey: "once")
        _ = try await store.enqueue([job], limits: .none)
        await #expect(throws: ConveyorError.self) { try await store.retry(job.id, now: Self.now) }
        let claimed = try await claim(store)
        _ = try await store.complete([JobOutcome(jobID: claimed[0].id, workerID: "w1", resolution: .failed(JobFailure(code: "handler_failed", message: "x", isPermanent: true)))])
        let retried = try await store.retry(job.id, now: Self.now)
        #expect(retried.status == .queued && retried.attempts == 0 && retried.error == nil)
        // Its dedup key is held again.
        #expect(try await store.enqueue([newJob(dedupKey: "once")], limits: .none)[0].deduplicated)
        #expect(try await claim(store).map(\.id) == [job.id])
    }

    @Test("every move adds one to the job's sequence, and what the store returns carries it", arguments: StoreFactory.all)
    func sequence(factory: StoreFactory) async throws {
        let store = try await factory.make()
        let enqueued = try await store.enqueue([newJob()], limits: .none)[0].job
        #expect(enqueued.sequence == 1)
        let first = try #require(try await claim(store).first)
        #expect(first.sequence == 2)
        let later = Self.now.addingTimeInterval(5)
        let failure = JobFailure(code: "flaky", message: "try again", isPermanent: false)
        _ = try await store.complete([JobOutcome(jobID: first.id, workerID: "w1", resolution: .retry(at: later, failure))])
        #expect(try await store.job(first.id)?.sequence == 3)
        #expect(try await store.promoteDueJobs(now: later) == 1)
        #expect(try await store.job(first.id)?.sequence == 4)
        let second = try #require(try await claim(store, at: later).first)
        #expect(second.sequence == 5 && second.attempts == 2)
        _ = try await store.complete([JobOutcome(jobID: second.id, workerID: "w1", resolution: .completed(result: Data("1".utf8)))])
        let done = try #require(try await store.job(first.id))
        #expect(done.sequence == 6 && done.status == .completed && done.error == nil)
        // A move refused changes nothing.
        await #expect(throws: ConveyorError.self) { try await store.cancel(first.id, now: later) }
        #expect(try await store.job(first.id)?.sequence == 6)
        let cancelled = try await store.cancel(try await store.enqueue([newJob()], limits: .none)[0].job.id, now: later)
        #expect(cancelled.sequence == 2)
        let retried = try await store.retry(cancelled.id, now: later)
        #expect(retried.sequence == 3)
        #expect(try await store.job(cancelled.id)?.sequence == 3)
    }

    @Test("every failure keeps a code: the handler's, cancelled, lease_lost; run-again keeps the last one", arguments: StoreFactory.all)
    func failureCodes(factory: StoreFactory) async throws {
        let store = try await factory.make()
        _ = try await store.enqueue([newJob(), newJob(), newJob(maxAttempts: 1), newJob()], limits: .none)
        let jobs = try await claim(store, lease: 10)
        let handler = JobFailure(code: "download_not_found", message: "gone (HTTP 404)", isPermanent: true)
        let flaky = JobFailure(code: "download_failed", message: "reset", isPermanent: false)
        _ = try await store.complete([
            JobOutcome(jobID: jobs[0].id, workerID: "w1", resolution: .failed(handler)),
            JobOutcome(jobID: jobs[1].id, workerID: "w1", resolution: .retry(at: Self.now, flaky)),
        ])
        #expect(try await store.job(jobs[0].id)?.error == handler)
        #expect(try await store.promoteDueJobs(now: Self.now) == 1)
        let again = try #require(try await claim(store, limit: 1, lease: 10).first)
        #expect(again.id == jobs[1].id && again.error == flaky)
        _ = try await store.complete([JobOutcome(jobID: again.id, workerID: "w1", resolution: .runAgain(at: Self.now, reason: "429"))])
        #expect(try await store.job(again.id)?.error == flaky)
        // Rescue: re-queued with attempts left, failed without.
        #expect(try await store.rescueExpiredLeases(now: Self.now.addingTimeInterval(11)) == 2)
        let requeued = try #require(try await store.job(jobs[3].id))
        #expect(requeued.status == .queued && requeued.error?.code == .leaseLost && requeued.error?.isPermanent == false)
        #expect(requeued.error?.message == "Worker lost during attempt 1 (lease expired); re-queued")
        let lost = try #require(try await store.job(jobs[2].id))
        #expect(lost.status == .failed && lost.error?.code == .leaseLost && lost.error?.message == "Worker lost during attempt 1 of 1 (lease expired)")
        let cancelled = try await store.cancel(jobs[3].id, now: Self.now)
        #expect(cancelled.error == JobFailure(code: .cancelled, message: "Cancelled by a user", isPermanent: true))
        #expect(try await store.job(jobs[3].id)?.error?.code == .cancelled)
    }

    @Test("retry and cancel refuse with the same codes and messages in every store", arguments: StoreFactory.all)
    func refusals(factory: StoreFactory) async throws {
        let store = try await factory.make()
        let missing = JobID.make()
        await #expect(throws: ConveyorError(.notFound, "No job with id \(missing)")) { try await store.cancel(missing, now: Self.now) }
        await #expect(throws: ConveyorError(.notFound, "No job with id \(missing)")) { try await store.retry(missing, now: Self.now) }
        let first = newJob(dedupKey: "k")
        _ = try await store.enqueue([first], limits: .none)
        await #expect(throws: ConveyorError(.conflict, "Job \(first.id) is queued; only failed or cancelled jobs can be retried")) {
            try await store.retry(first.id, now: Self.now)
        }
        _ = try await store.cancel(first.id, now: Self.now)
        await #expect(throws: ConveyorError(.conflict, "Job \(first.id) is already cancelled")) { try await store.cancel(first.id, now: Self.now) }
        // While another unfinished job holds the key, the cancelled one cannot come back.
        let second = try await store.enqueue([newJob(dedupKey: "k")], limits: .none)[0]
        #expect(!second.deduplicated)
        await #expect(throws: ConveyorError(.conflict, "Job \(second.job.id) already holds dedupKey 'k' and is unfinished")) {
            try await store.retry(first.id, now: Self.now)
        }
        let claimed = try await claim(store)
        _ = try await store.complete([JobOutcome(jobID: claimed[0].id, workerID: "w1", resolution: .completed(result: Data("1".utf8)))])
        await #expect(throws: ConveyorError(.conflict, "Job \(second.job.id) is completed; only failed or cancelled jobs can be retried")) {
            try await store.retry(second.job.id, now: Self.now)
        }
        #expect(try await store.retry(first.id, now: Self.now).status == .queued)
    }

    @Test("listing filters, pages newest first, and stats count by state", arguments: StoreFactory.all)
    func listingAndStats(factory: StoreFactory) async throws {
        let store = try await factory.make()
        let jobs = (0..<7).map { i in newJob(i < 5 ? "a" : "b", queue: i % 2 == 0 ? "even" : "odd") }
        _ = try await store.enqueue(jobs, limits: .none)
        _ = try await store.enqueue([newJob(runAt: Self.now.addingTimeInterval(60))], limits: .none)
        let page1 = try await store.jobs(matching: JobFilter(type: "a", limit: 3))
        #expect(page1.jobs.map(\.id) == jobs[2..<5].reversed().map(\.id))
        let page2 = try await store.jobs(matching: JobFilter(type: "a", limit: 3, cursor: page1.nextCursor))
        #expect(page2.jobs.map(\.id) == jobs[0..<2].reversed().map(\.id))
        #expect(page2.nextCursor == nil)
        #expect(try await store.jobs(matching: JobFilter(queue: "odd")).jobs.count == 3)
        _ = try await claim(store, limit: 2)
        let stats = try await store.stats(now: Self.now)
        #expect(stats.count(.queued) == 5 && stats.count(.running) == 2 && stats.count(.scheduled) == 1 && stats.total == 8)
        #expect(stats.oldestQueuedAt != nil && stats.oldestRunningStartedAt == Self.now)
        #expect(try await store.jobs(matching: JobFilter(status: .running)).jobs.count == 2)
    }

    @Test("pruning removes finished jobs past retention, failed ones kept longer", arguments: StoreFactory.all)
    func prune(factory: StoreFactory) async throws {
        let store = try await factory.make()
        _ = try await store.enqueue([newJob(), newJob(), newJob()], limits: .none)
        let jobs = try await claim(store)
        _ = try await store.complete([
            JobOutcome(jobID: jobs[0].id, workerID: "w1", resolution: .completed(result: Data()), finishedAt: Self.now),
            JobOutcome(jobID: jobs[1].id, workerID: "w1", resolution: .failed(JobFailure(code: "handler_failed", message: "x", isPermanent: true)), finishedAt: Self.now),
        ])
        let policy = RetentionPolicy(completed: .seconds(3600), failed: .seconds(7200))
        #expect(try await store.prune(policy, now: Self.now.addingTimeInterval(1800)) == 0)
        #expect(try await store.prune(policy, now: Self.now.addingTimeInterval(3601)) == 1)
        #expect(try await store.job(jobs[0].id) == nil)
        #expect(try await store.deleteFailed(finishedBefore: Self.now.addingTimeInterval(1)) == 1)
        #expect(try await store.job(jobs[2].id)?.status == .running)
    }

    @Test("stats agree with the jobs themselves after every kind of move", arguments: StoreFactory.all)
    func countsStayTrue(factory: StoreFactory) async throws {
        let store = try await factory.make()
        let later = Self.now.addingTimeInterval(5)
        _ = try await store.enqueue((0..<12).map { i in newJob(queue: i % 3 == 0 ? "a" : "b", maxAttempts: 1) }, limits: .none)
        _ = try await store.enqueue([newJob(runAt: later, maxAttempts: 1), newJob(runAt: later.addingTimeInterval(600), maxAttempts: 1)], limits: .none)
        let jobs = try await claim(store, limit: 9, lease: 10)
        let failure = JobFailure(code: "handler_failed", message: "x", isPermanent: false)
        _ = try await store.complete([
            JobOutcome(jobID: jobs[1].id, workerID: "w1", resolution: .completed(result: Data()), finishedAt: Self.now),
            JobOutcome(jobID: jobs[2].id, workerID: "w1", resolution: .failed(failure), finishedAt: Self.now),
            JobOutcome(jobID: jobs[3].id, workerID: "w1", resolution: .retry(at: later, failure)),
            JobOutcome(jobID: jobs[4].id, workerID: "w1", resolution: .runAgain(at: later, reason: "429")),
            JobOutcome(jobID: jobs[5].id, workerID: "w1", resolution: .released),
        ])
        _ = try await store.cancel(jobs[6].id, now: Self.now)
        _ = try await store.retry(jobs[2].id, now: Self.now)
        _ = try await store.promoteDueJobs(now: later)
        // Out of attempts, the three still running fail.
        #expect(try await store.rescueExpiredLeases(now: Self.now.addingTimeInterval(11)) == 3)
        _ = try await store.prune(RetentionPolicy(completed: .seconds(1), failed: .seconds(1)), now: Self.now.addingTimeInterval(60))

        let stats = try await store.stats(now: Self.now.addingTimeInterval(30))
        for status in JobStatus.allCases {
            let listed = try await store.jobs(matching: JobFilter(status: status, limit: 1000)).jobs
            #expect(stats.count(status) == listed.count, "\(status): stats say \(stats.count(status)), the store holds \(listed.count)")
            for (queue, jobs) in Dictionary(grouping: listed, by: \.queue) {
                #expect(stats.byQueue[queue]?[status] == jobs.count, "\(queue) \(status): \(String(describing: stats.byQueue[queue]))")
            }
        }
        #expect(stats.byQueue.values.flatMap(\.values).reduce(0, +) == stats.total)
        #expect(stats.count(.queued) == 8 && stats.count(.scheduled) == 1 && stats.total == 9)
        // One completed and one failed at `now`, three failed by the rescue.
        #expect(stats.finishedLastMinute == 5)
    }
}
