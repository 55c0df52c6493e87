import Conveyor
import Foundation
import Testing

extension StoreConformanceTests {
    @Test("a job keeps every failed attempt with its worker and times, and the worker of its last attempt", arguments: StoreFactory.all)
    func attemptFailures(factory: StoreFactory) async throws {
        let store = try await factory.make()
        let t0 = Self.now
        _ = try await store.enqueue([newJob(maxAttempts: 5), newJob()], limits: .none)
        let first = try await claim(store, worker: "alpha", at: t0, lease: 10)
        let (flaky, other) = (first[0], first[1])
        let reset = JobFailure(code: "download_failed", message: "connection reset", isPermanent: false)
        _ = try await store.complete([
            JobOutcome(jobID: flaky.id, workerID: "alpha", resolution: .retry(at: t0, reset), finishedAt: t0.addingTimeInterval(2)),
            JobOutcome(jobID: other.id, workerID: "alpha", resolution: .completed(result: Data("1".utf8)), finishedAt: t0.addingTimeInterval(1)),
        ])
        let completed = try #require(try await store.job(other.id))
        #expect(completed.worker == "alpha" && completed.lease == nil && completed.failedAttempts.isEmpty)

        // Attempt 2 on another worker: run again gives the attempt back and logs nothing; then its lease lapses.
        #expect(try await store.promoteDueJobs(now: t0.addingTimeInterval(3)) == 1)
        let second = try #require(try await claim(store, worker: "beta", at: t0.addingTimeInterval(3), lease: 10).first)
        #expect(second.worker == "beta" && second.failedAttempts.count == 1)
        _ = try await store.complete([JobOutcome(jobID: second.id, workerID: "beta", resolution: .runAgain(at: t0, reason: "429"))])
        #expect(try await store.promoteDueJobs(now: t0.addingTimeInterval(4)) == 1)
        _ = try await claim(store, worker: "beta", at: t0.addingTimeInterval(4), lease: 10)
        #expect(try await store.rescueExpiredLeases(now: t0.addingTimeInterval(20)) == 1)

        // Attempt 3 fails for good.
        let third = try #require(try await claim(store, worker: "gamma", at: t0.addingTimeInterval(21), lease: 10).first)
        let gone = JobFailure(code: "download_not_found", message: "HTTP 404", isPermanent: true)
        _ = try await store.complete([JobOutcome(jobID: third.id, workerID: "gamma", resolution: .failed(gone), finishedAt: t0.addingTimeInterval(22))])

        let failed = try #require(try await store.job(flaky.id))
        #expect(failed.status == .failed && failed.worker == "gamma" && failed.error == gone)
        let log = failed.failedAttempts
        try #require(log.count == 3)
        #expect(log.map(\.attempt) == [1, 2, 3])
        #expect(log.map(\.worker) == ["alpha", "beta", "gamma"])
        #expect(log.map(\.error.code) == ["download_failed", .leaseLost, "download_not_found"])
        #expect(log[0].error == reset && log[2].error == gone)
        let seconds = log.map { [$0.startedAt, $0.endedAt].map { ($0?.timeIntervalSince(t0)).map { ($0 * 1000).rounded() / 1000 } } }
        #expect(seconds == [[0, 2], [4, 20], [21, 22]])

        // A user's retry starts afresh; cancelling a running job logs the attempt it ended.
        let retried = try await store.retry(flaky.id, now: t0.addingTimeInterval(30))
        #expect(retried.failedAttempts.isEmpty && retried.attempts == 0)
        _ = try await claim(store, worker: "delta", at: t0.addingTimeInterval(31))
        let cancelled = try await store.cancel(flaky.id, now: t0.addingTimeInterval(32))
        #expect(cancelled.failedAttempts.map(\.worker) == ["delta"] && cancelled.failedAttempts.first?.error.code == .cancelled)
        #expect(try await store.job(flaky.id)?.failedAttempts.map(\.error) == [.cancelledByUser])
    }
}
