import Conveyor
import Foundation
import Testing

extension StoreConformanceTests {
    func newBatch(_ count: Int, callbacks: [BatchCallbackKind] = BatchCallbackKind.allCases, owner: String? = nil) -> NewBatch {
        NewBatch(
            name: "mail", owner: owner, createdAt: Self.now, jobs: (0..<count).map { _ in newJob(owner: owner) },
            callbacks: Dictionary(uniqueKeysWithValues: callbacks.map { ($0, newJob("report-\($0.rawValue)", owner: owner)) }))
    }

    /// Claims every ready job and settles each with `resolution(job)` in one call.
    func settleAll(_ store: any JobStore, worker: String = "w1", _ resolution: (Job) -> JobOutcome.Resolution) async throws -> [Job] {
        let claimed = try await claim(store, worker: worker, limit: 1_000)
        _ = try await store.complete(claimed.map { JobOutcome(jobID: $0.id, workerID: worker, resolution: resolution($0), finishedAt: Self.now) })
        return claimed
    }

    /// The callback jobs of `batch` in the store, by kind.
    func callbacks(of batch: JobID, in store: any JobStore) async throws -> [BatchCallbackKind: Job] {
        let page = try await store.jobs(matching: JobFilter(batchID: batch, limit: 1_000))
        return Dictionary(uniqueKeysWithValues: page.jobs.compactMap { job in job.batch?.callback.map { ($0, job) } })
    }

    @Test("a batch that all completes enqueues onComplete and onSuccess once each, in the move that ends its last job", arguments: StoreFactory.all)
    func batchSucceeds(factory: StoreFactory) async throws {
        let store = try await factory.make()
        let batch = newBatch(150)
        let started = try await store.enqueue(batch, limits: .none)
        #expect(started.status == .running && started.total == 150 && started.pending == 150 && started.counts[.queued] == 150)
        #expect(started.callbacks == [.onComplete: nil, .onSuccess: nil, .onFailure: nil])
        #expect(try await store.job(batch.jobs[0].id)?.batch == BatchMembership(id: batch.id))

        // 100 then 50, each turn settled in chunks as a worker would.
        let first = try await claim(store, limit: 100)
        _ = try await store.complete(first.map { JobOutcome(jobID: $0.id, workerID: "w1", resolution: .completed(result: Data("{}".utf8)), finishedAt: Self.now) })
        #expect(try await store.batch(batch.id)?.pending == 50)
        #expect(try await callbacks(of: batch.id, in: store).isEmpty)
        let rest = try await settleAll(store) { _ in .completed(result: Data("{}".utf8)) }
        #expect(rest.count == 50)

        let done = try #require(try await store.batch(batch.id))
        #expect(done.status == .finished && done.completed == 150 && done.pending == 0 && done.percent == 100 && done.finishedAt != nil)
        let called = try await callbacks(of: batch.id, in: store)
        #expect(Set(called.keys) == [.onComplete, .onSuccess])
        #expect(done.callbacks[.onComplete] == called[.onComplete]?.id && done.callbacks[.onFailure] == .some(nil))
        #expect(called[.onComplete]?.status == .queued && called[.onComplete]?.type == "report-onComplete")
        #expect(called[.onComplete]?.id == batch.callbacks[.onComplete]?.id)
        // The callbacks are not the batch's jobs: their end moves nothing.
        _ = try await settleAll(store) { _ in .completed(result: Data("{}".utf8)) }
        #expect(try await callbacks(of: batch.id, in: store).count == 2)
        #expect(try await store.batch(batch.id)?.completed == 150)
    }

    @Test("onFailure comes at the first job that fails for good; onComplete when all ended; onSuccess never", arguments: StoreFactory.all)
    func batchFails(factory: StoreFactory) async throws {
        let store = try await factory.make()
        let batch = newBatch(4)
        _ = try await store.enqueue(batch, limits: .none)
        let doomed = batch.jobs[1].id, retried = batch.jobs[2].id
        let failure = JobFailure(code: "smtp_rejected", message: "550 no such user", isPermanent: true)
        let claimed = try await claim(store, limit: 10)
        _ = try await store.complete(claimed.map { job in
            let resolution: JobOutcome.Resolution =
                job.id == doomed ? .failed(failure)
                : job.id == retried ? .retry(at: Self.now, failure) : .released
            return JobOutcome(jobID: job.id, workerID: "w1", resolution: resolution, finishedAt: Self.now)
        })
        var called = try await callbacks(of: batch.id, in: store)
        #expect(Set(called.keys) == [.onFailure], "a retry is not a failure for good; the first failure is")
        #expect(try await store.batch(batch.id)?.status == .running)

        _ = try await store.promoteDueJobs(now: Self.now)
        _ = try await settleAll(store) { $0.id == retried ? .failed(failure) : $0.batch?.isMember == true ? .completed(result: Data("{}".utf8)) : .released }
        called = try await callbacks(of: batch.id, in: store)
        #expect(Set(called.keys) == [.onFailure, .onComplete], "a second failure enqueues nothing more")
        let done = try #require(try await store.batch(batch.id))
        #expect(done.status == .finished && done.failed == 2 && done.completed == 2 && done.callbacks[.onSuccess] == .some(nil))
    }

    @Test("an empty batch finishes as it is made; a cancel and a retry of its jobs count as the batch's", arguments: StoreFactory.all)
    func batchEdges(factory: StoreFactory) async throws {
        let store = try await factory.make()
        let empty = newBatch(0)
        let made = try await store.enqueue(empty, limits: .none)
        #expect(made.status == .finished && made.total == 0 && made.percent == 100)
        #expect(Set(try await callbacks(of: empty.id, in: store).keys) == [.onComplete, .onSuccess])

        let batch = newBatch(2, callbacks: [.onComplete, .onSuccess])
        _ = try await store.enqueue(batch, limits: .none)
        #expect(try await store.batchCounts() == [.running: 1, .finished: 1])
        _ = try await store.cancel(batch.jobs[0].id, now: Self.now)
        #expect(try await store.batch(batch.id)?.cancelled == 1)
        // Retried, it is waited for again: the batch cannot finish without it.
        _ = try await store.retry(batch.jobs[0].id, now: Self.now)
        _ = try await settleAll(store) { $0.id == batch.jobs[1].id ? .completed(result: Data("{}".utf8)) : .released }
        #expect(try await callbacks(of: batch.id, in: store).isEmpty)
        #expect(try await store.batch(batch.id)?.status == .running)
        _ = try await settleAll(store) { _ in .completed(result: Data("{}".utf8)) }
        let done = try #require(try await store.batch(batch.id))
        #expect(done.status == .finished && done.completed == 2)
        #expect(Set(try await callbacks(of: batch.id, in: store).keys) == [.onComplete, .onSuccess], "every job completed in the end")
        #expect(try await store.batchCounts() == [.running: 0, .finished: 2])
        #expect(try await store.batch(JobID.make()) == nil)
    }

    @Test("a batch job whose worker died ends through the rescue and finishes the batch", arguments: StoreFactory.all)
    func batchRescue(factory: StoreFactory) async throws {
        let store = try await factory.make()
        let batch = NewBatch(
            createdAt: Self.now, jobs: [newJob(maxAttempts: 1)], callbacks: [.onComplete: newJob("report"), .onFailure: newJob("alarm")])
        _ = try await store.enqueue(batch, limits: .none)
        _ = try await claim(store, lease: 1)
        #expect(try await store.rescueExpiredLeases(now: Self.now.addingTimeInterval(5)) == 1)
        #expect(Set(try await callbacks(of: batch.id, in: store).keys) == [.onComplete, .onFailure])
        #expect(try await store.batch(batch.id)?.failed == 1)
    }

    @Test("two workers ending a batch's last two jobs at the same moment enqueue its callbacks once", arguments: StoreFactory.all)
    func batchRace(factory: StoreFactory) async throws {
        let store = try await factory.make()
        let batches = (0..<20).map { _ in newBatch(2, callbacks: [.onComplete]) }
        for batch in batches { _ = try await store.enqueue(batch, limits: .none) }
        let a = try await claim(store, worker: "a", limit: 20), b = try await claim(store, worker: "b", limit: 20)
        #expect(a.count + b.count == 40)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (worker, jobs) in [("a", a), ("b", b)] {
                group.addTask {
                    for job in jobs {
                        _ = try await store.complete([JobOutcome(jobID: job.id, workerID: worker, resolution: .completed(result: Data("{}".utf8)), finishedAt: Self.now)])
                    }
                }
            }
            try await group.waitForAll()
        }
        for batch in batches {
            let called = try await store.jobs(matching: JobFilter(batchID: batch.id, limit: 10)).jobs.filter { $0.batch?.callback != nil }
            #expect(called.count == 1, "batch \(batch.id) has \(called.count) onComplete jobs")
            #expect(try await store.batch(batch.id)?.status == .finished)
        }
    }

    @Test("a batch's jobs are all or nothing and limited as any enqueue; jobs that wait or dedupe are refused", arguments: StoreFactory.all)
    func batchRefusals(factory: StoreFactory) async throws {
        let store = try await factory.make()
        await #expect(throws: ConveyorError.self) { try await store.enqueue(newBatch(5), limits: EnqueueLimits(maxQueueSize: 4)) }
        #expect(try await store.stats(now: Self.now).count(.queued) == 0)
        var waiting = newBatch(1)
        waiting.jobs[0].dependsOn = [JobID.make()]
        await #expect { try await store.enqueue(waiting, limits: .none) } throws: { error in
            (error as? ConveyorError)?.message == "jobs[0].dependsOn: a batch's jobs cannot wait for other jobs"
        }
        var deduped = newBatch(2)
        deduped.jobs[1].dedupKey = "k"
        await #expect { try await store.enqueue(deduped, limits: .none) } throws: { error in
            (error as? ConveyorError)?.message == "jobs[1].dedupKey: a batch's jobs cannot be deduplicated"
        }
        #expect(try await store.batch(waiting.id) == nil)
        #expect(try await store.batch(deduped.id) == nil)
    }
}
