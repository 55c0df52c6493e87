import Conveyor
import Foundation
import Testing

/// What one process learns through a shared store about jobs another process ended: every
/// durable store carries it (NOTIFY on PostgreSQL, the change feed on SQLite), with no poll per job.
@Suite("Store conformance: events between processes")
struct SharedEventTests {
    @Test("jobs another process ended or put back for a retry reach this one with result, error, next run and sequence; its own moves do not", arguments: StoreFactory.pairs)
    func endedElsewhere(pair: StoreFactory.Pair) async throws {
        let (here, there) = try await pair.make()
        let source = try #require(here as? any JobEventSource)
        let events = source.sharedEvents(wanted: { true })
        // Give the listener a moment to be in place (PostgreSQL LISTEN, the feed's first read).
        try await Task.sleep(for: .milliseconds(500))
        let new = (0..<5).map { _ in NewJob(type: "noop", payload: Data("{}".utf8)) }
        _ = try await there.enqueue(new, limits: .none)
        let request = { (store: any JobStore, worker: String) in
            try await store.claim(ClaimRequest(
                workerID: worker, queues: nil, limit: 1, priorityOrder: [.normal], now: Date(), leaseExpiresAt: Date().addingTimeInterval(30)))
        }
        // This process ends one itself first: it must not come back from the store.
        let mine = try #require(try await request(here, "here").first)
        _ = try await here.complete([JobOutcome(jobID: mine.id, workerID: "here", resolution: .completed(result: Data("0".utf8)))])

        let done = try #require(try await request(there, "there").first)
        let broken = try #require(try await request(there, "there").first)
        let flaky = try #require(try await request(there, "there").first)
        let failure = JobFailure(code: "download_not_found", message: "gone", isPermanent: true)
        let reset = JobFailure(code: "download_failed", message: "reset", isPermanent: false)
        let nextRun = Date().addingTimeInterval(3600)
        _ = try await there.complete([
            JobOutcome(jobID: done.id, workerID: "there", resolution: .completed(result: Data("42".utf8))),
            JobOutcome(jobID: broken.id, workerID: "there", resolution: .failed(failure)),
            JobOutcome(jobID: flaky.id, workerID: "there", resolution: .retry(at: nextRun, reset)),
        ])
        let cancelled = try #require(new.map(\.id).first { ![mine.id, done.id, broken.id, flaky.id].contains($0) })
        _ = try await there.cancel(cancelled, now: Date())

        var seen: [JobID: JobStateChange] = [:]
        let collect = Task {
            for await case .stateChanged(let change) in events {
                seen[change.jobID] = change
                if [done.id, broken.id, flaky.id, cancelled].allSatisfy({ seen[$0] != nil }) { break }
            }
            return seen
        }
        let timeout = Task {
            try await Task.sleep(for: .seconds(20))
            collect.cancel()
        }
        let changes = await collect.value
        timeout.cancel()
        #expect(changes[mine.id] == nil, "this process's own completion came back")
        let completed = try #require(changes[done.id])
        #expect(completed.status == .completed && completed.result == Data("42".utf8) && completed.sequence == 3)
        let failed = try #require(changes[broken.id])
        #expect(failed.status == .failed && failed.error == failure && failed.sequence == 3)
        let retrying = try #require(changes[flaky.id])
        #expect(retrying.status == .scheduled && retrying.error == reset && retrying.sequence == 3 && retrying.attempt == 1)
        #expect(abs((retrying.runAt ?? .distantPast).timeIntervalSince(nextRun)) < 0.01)
        let stopped = try #require(changes[cancelled])
        #expect(stopped.status == .cancelled && stopped.error?.code == .cancelled && stopped.sequence == 2)
        for store in [here, there] { try await (store as? any ClosableStore)?.close() }
    }
}
