import Conveyor
import Foundation
import Testing

extension StoreConformanceTests {
    func waiting(on ids: [JobID], policy: DependencyFailurePolicy = .cancel, runAt: Date? = nil, owner: String? = nil) -> NewJob {
        NewJob(
            type: "noop", payload: Data("{}".utf8), owner: owner, createdAt: Self.now, runAt: runAt, dependsOn: ids,
            onDependencyFailure: policy)
    }

    func finish(_ store: any JobStore, _ id: JobID, _ resolution: JobOutcome.Resolution, worker: String = "w1") async throws {
        let claimed = try await claim(store, worker: worker, limit: 100)
        #expect(claimed.contains { $0.id == id }, "\(id) was not ready to claim")
        let applied = try await store.complete([JobOutcome(jobID: id, workerID: worker, resolution: resolution, finishedAt: Self.now)])
        #expect(applied == [id])
        // Whatever else was claimed goes back untouched.
        _ = try await store.complete(claimed.filter { $0.id != id }.map { JobOutcome(jobID: $0.id, workerID: worker, resolution: .released) })
    }

    @Test("a job waits for its dependencies and is queued in the move that ends the last one", arguments: StoreFactory.all)
    func waitsForDependencies(factory: StoreFactory) async throws {
        let store = try await factory.make()
        let a = newJob(), b = newJob()
        _ = try await store.enqueue([a, b], limits: .none)
        let c = waiting(on: [a.id, b.id])
        let enqueued = try await store.enqueue([c], limits: .none)[0].job
        #expect(enqueued.status == .waiting && enqueued.waitingOn == 2 && enqueued.dependsOn == [a.id, b.id])
        #expect(try await store.stats(now: Self.now).count(.waiting) == 1)

        try await finish(store, a.id, .completed(result: Data("1".utf8)))
        let half = try #require(try await store.job(c.id))
        #expect(half.status == .waiting && half.waitingOn == 1)
        try await finish(store, b.id, .completed(result: Data("2".utf8)))
        let ready = try #require(try await store.job(c.id))
        #expect(ready.status == .queued && ready.waitingOn == 0 && ready.sequence == 2)
        #expect(try await claim(store).map(\.id) == [c.id])
        #expect(try await store.stats(now: Self.now).count(.waiting) == 0)
    }

    @Test("a failure cancels what waits on it all the way down; jobs that run anyway run once all ended", arguments: StoreFactory.all)
    func failureCascades(factory: StoreFactory) async throws {
        let store = try await factory.make()
        let a = newJob()
        _ = try await store.enqueue([a], limits: .none)
        let b = waiting(on: [a.id]), d = waiting(on: [a.id], policy: .run)
        let c = waiting(on: [b.id]), e = waiting(on: [b.id, d.id], policy: .run)
        _ = try await store.enqueue([b, d, c, e], limits: .none)
        let gone = JobFailure(code: "download_not_found", message: "HTTP 404", isPermanent: true)
        try await finish(store, a.id, .failed(gone))

        let cancelledB = try #require(try await store.job(b.id))
        #expect(cancelledB.status == .cancelled && cancelledB.error?.code == .dependencyFailed && cancelledB.finishedAt != nil)
        #expect(cancelledB.error?.message == "Dependency \(a.id) (noop) failed: HTTP 404")
        let cancelledC = try #require(try await store.job(c.id))
        #expect(cancelledC.status == .cancelled && cancelledC.error?.message.hasPrefix("Dependency \(b.id) (noop) cancelled") == true)
        #expect(try await store.job(d.id)?.status == .queued)
        let halfE = try #require(try await store.job(e.id))
        #expect(halfE.status == .waiting && halfE.waitingOn == 1, "b's end counts for e; d is still to come")
        try await finish(store, d.id, .completed(result: Data("{}".utf8)))
        #expect(try await store.job(e.id)?.status == .queued)
        let stats = try await store.stats(now: Self.now)
        #expect(stats.count(.waiting) == 0 && stats.count(.cancelled) == 2)
    }

    @Test("dependencies already ended apply at once; bad ids are refused and nothing is stored", arguments: StoreFactory.all)
    func dependenciesAtEnqueue(factory: StoreFactory) async throws {
        let store = try await factory.make()
        let done = newJob(), broken = newJob()
        _ = try await store.enqueue([done, broken], limits: .none)
        try await finish(store, done.id, .completed(result: Data("1".utf8)))
        try await finish(store, broken.id, .failed(JobFailure(code: "bad", message: "no", isPermanent: true)))

        let ready = try await store.enqueue([waiting(on: [done.id])], limits: .none)[0].job
        #expect(ready.status == .queued && ready.waitingOn == 0)
        let later = try await store.enqueue([waiting(on: [done.id], runAt: Self.now.addingTimeInterval(60))], limits: .none)[0].job
        #expect(later.status == .scheduled)
        let refused = try await store.enqueue([waiting(on: [broken.id])], limits: .none)[0].job
        #expect(refused.status == .cancelled && refused.error?.code == .dependencyFailed)
        #expect(try await store.job(refused.id)?.error?.code == .dependencyFailed)
        let anyway = try await store.enqueue([waiting(on: [broken.id, done.id], policy: .run)], limits: .none)[0].job
        #expect(anyway.status == .queued)

        // In one enqueue, a job may wait for one before it.
        let first = newJob()
        let pair = try await store.enqueue([first, waiting(on: [first.id])], limits: .none)
        #expect(pair.map(\.job.status) == [.queued, .waiting])

        let before = try await store.jobs(matching: JobFilter(limit: 1000)).jobs.count
        let unknown = JobID.make()
        for (jobs, message) in [
            ([waiting(on: [unknown])], "dependsOn[0]: no job with id \(unknown)"),
            ([newJob(), waiting(on: [done.id, unknown])], "jobs[1]: dependsOn[1]: no job with id \(unknown)"),
            ([waiting(on: [done.id, done.id])], "dependsOn[1]: \(done.id) is listed twice"),
        ] {
            await #expect(throws: ConveyorError(.invalidInput, message)) { try await store.enqueue(jobs, limits: .none) }
        }
        #expect(try await store.jobs(matching: JobFilter(limit: 1000)).jobs.count == before, "a refused enqueue stored nothing")
    }

    @Test("cancelling a dependency, or losing its worker for good, ends what waits on it", arguments: StoreFactory.all)
    func cancelAndRescueRelease(factory: StoreFactory) async throws {
        let store = try await factory.make()
        let cancelled = newJob(), lost = newJob(maxAttempts: 1)
        _ = try await store.enqueue([cancelled, lost], limits: .none)
        let first = waiting(on: [cancelled.id]), second = waiting(on: [lost.id], policy: .run)
        _ = try await store.enqueue([first, second], limits: .none)
        _ = try await store.cancel(cancelled.id, now: Self.now)
        #expect(try await store.job(first.id)?.status == .cancelled)
        let running = try await claim(store, lease: 10)
        #expect(running.map(\.id) == [lost.id])
        #expect(try await store.rescueExpiredLeases(now: Self.now.addingTimeInterval(11)) == 1)
        #expect(try await store.job(lost.id)?.status == .failed)
        #expect(try await store.job(second.id)?.status == .queued)
    }

    @Test("two workers ending a job's last two dependencies at once queue it exactly once", arguments: StoreFactory.all)
    func concurrentEnds(factory: StoreFactory) async throws {
        let store = try await factory.make()
        for _ in 0..<10 {
            let a = newJob(), b = newJob()
            _ = try await store.enqueue([a, b], limits: .none)
            let fanIn = waiting(on: [a.id, b.id])
            _ = try await store.enqueue([fanIn], limits: .none)
            let one = try await claim(store, worker: "one", limit: 1)
            let two = try await claim(store, worker: "two", limit: 1)
            try #require(one.count == 1 && two.count == 1)
            async let first = store.complete([JobOutcome(jobID: one[0].id, workerID: "one", resolution: .completed(result: Data("1".utf8)), finishedAt: Self.now)])
            async let second = store.complete([JobOutcome(jobID: two[0].id, workerID: "two", resolution: .completed(result: Data("2".utf8)), finishedAt: Self.now)])
            #expect(try await first.count + second.count == 2)
            let job = try #require(try await store.job(fanIn.id))
            #expect(job.status == .queued && job.waitingOn == 0 && job.sequence == 2)
            #expect(try await claim(store, limit: 10).map(\.id) == [fanIn.id])
            _ = try await store.complete([JobOutcome(jobID: fanIn.id, workerID: "w1", resolution: .completed(result: Data("{}".utf8)))])
        }
    }
}
