import Conveyor
import Foundation
import Testing

extension StoreConformanceTests {
    func stepRecord(_ key: String, position: Int, status: StepStatus = .completed, attempt: Int = 1, output: String? = "{}") -> StepRecord {
        StepRecord(
            key: key, name: key, position: position, status: status, attempt: attempt, startedAt: Self.now,
            finishedAt: status == .completed ? Self.now : nil, output: output.map { Data($0.utf8) })
    }

    @Test("steps are recorded only while their worker holds the job at that attempt, read back by position", arguments: StoreFactory.all)
    func stepsUnderLease(factory: StoreFactory) async throws {
        let store = try await factory.make()
        let job = newJob()
        _ = try await store.enqueue([job], limits: .none)
        let claimed = try await claim(store, worker: "w1", limit: 1)
        #expect(claimed.map(\.id) == [job.id] && claimed[0].attempts == 1)

        let saved = try await store.record([
            StepWrite(jobID: job.id, workerID: "w1", attempt: 1, change: .save(stepRecord("stage/1", position: 1, output: "[1,2]"))),
            StepWrite(jobID: job.id, workerID: "w1", attempt: 1, change: .save(stepRecord("stage/0", position: 0, output: "\"a\""))),
            StepWrite(jobID: job.id, workerID: "w1", attempt: 1, change: .save(stepRecord("step/send", position: 10_000, status: .running, output: nil))),
        ])
        #expect(saved == [job.id])
        var steps = try await store.steps(of: job.id)
        #expect(steps.map(\.key) == ["stage/0", "stage/1", "step/send"])
        #expect(steps[1].output == Data("[1,2]".utf8) && steps[2].status == .running && steps[2].output == nil && steps[2].finishedAt == nil)
        #expect(steps[0].startedAt == Self.now && steps[0].finishedAt == Self.now && steps[0].attempt == 1)

        // Another worker, or the same one at another attempt, writes nothing.
        let refused = try await store.record([
            StepWrite(jobID: job.id, workerID: "w2", attempt: 1, change: .removeAll),
            StepWrite(jobID: JobID.make(), workerID: "w1", attempt: 1, change: .removeAll),
        ])
        #expect(refused.isEmpty)
        #expect(try await store.record([StepWrite(jobID: job.id, workerID: "w1", attempt: 2, change: .remove(key: "stage/0"))]).isEmpty)
        #expect(try await store.steps(of: job.id).count == 3)

        // A record replaces the one with its key; remove takes one.
        var finished = stepRecord("step/send", position: 10_000, output: "7")
        finished.name = "send"
        #expect(try await store.record([
            StepWrite(jobID: job.id, workerID: "w1", attempt: 1, change: .save(finished)),
            StepWrite(jobID: job.id, workerID: "w1", attempt: 1, change: .remove(key: "stage/1")),
        ]) == [job.id])
        steps = try await store.steps(of: job.id)
        #expect(steps.map(\.key) == ["stage/0", "step/send"] && steps[1].status == .completed && steps[1].name == "send" && steps[1].output == Data("7".utf8))

        // Once the attempt ended, nothing more is written.
        _ = try await store.complete([JobOutcome(jobID: job.id, workerID: "w1", resolution: .completed(result: Data("{}".utf8)), finishedAt: Self.now)])
        #expect(try await store.record([StepWrite(jobID: job.id, workerID: "w1", attempt: 1, change: .removeAll)]).isEmpty)
        #expect(try await store.steps(of: job.id).count == 2)
        #expect(try await store.steps(of: JobID.make()).isEmpty)
    }

    @Test("a retry keeps completed steps and drops an at-most-once step left running; deleting the job deletes its steps", arguments: StoreFactory.all)
    func stepsThroughRetryAndDeletion(factory: StoreFactory) async throws {
        let store = try await factory.make()
        let job = newJob()
        let other = newJob()
        _ = try await store.enqueue([job, other], limits: .none)
        _ = try await claim(store, worker: "w1", limit: 2)
        for id in [job.id, other.id] {
            _ = try await store.record([
                StepWrite(jobID: id, workerID: "w1", attempt: 1, change: .save(stepRecord("stage/0", position: 0))),
                StepWrite(jobID: id, workerID: "w1", attempt: 1, change: .save(stepRecord("step/post", position: 10_000, status: .running, output: nil))),
            ])
        }
        let failure = JobFailure(code: .outcomeUnknown, message: "unknown", isPermanent: true)
        _ = try await store.complete([job.id, other.id].map { JobOutcome(jobID: $0, workerID: "w1", resolution: .failed(failure), finishedAt: Self.now) })
        _ = try await store.retry(job.id, now: Self.now)
        #expect(try await store.steps(of: job.id).map(\.key) == ["stage/0"])

        // A retried attempt may clear everything (the pipeline changed shape).
        let again = try await claim(store, worker: "w3", limit: 1)
        #expect(again.map(\.id) == [job.id] && again[0].attempts == 1)
        #expect(try await store.record([StepWrite(jobID: job.id, workerID: "w3", attempt: 1, change: .removeAll)]) == [job.id])
        #expect(try await store.steps(of: job.id).isEmpty)

        #expect(try await store.steps(of: other.id).count == 2)
        let both = try await store.steps(of: [job.id, other.id, JobID.make()])
        #expect(Set(both.keys) == [other.id] && both[other.id]?.map(\.key) == ["stage/0", "step/post"], "a job with no steps is left out")
        #expect(try await store.deleteFailed(finishedBefore: Self.now.addingTimeInterval(1)) == 1)
        #expect(try await store.steps(of: other.id).isEmpty)
    }

    @Test("a turn writes its finished jobs' steps before their ends, then claims", arguments: StoreFactory.all)
    func stepsInTheTurn(factory: StoreFactory) async throws {
        let store = try await factory.make()
        let first = newJob(), next = newJob()
        _ = try await store.enqueue([first], limits: .none)
        _ = try await claim(store, worker: "w1", limit: 1)
        _ = try await store.enqueue([next], limits: .none)
        let steps = [StepWrite(jobID: first.id, workerID: "w1", attempt: 1, change: .save(stepRecord("stage/0@x", position: 0)))]
        let outcome = JobOutcome(jobID: first.id, workerID: "w1", resolution: .completed(result: Data("{}".utf8)), finishedAt: Self.now)
        let request = ClaimRequest(
            workerID: "w1", queues: nil, limit: 5, priorityOrder: [.high, .normal, .low], now: Self.now, leaseExpiresAt: Self.now.addingTimeInterval(30))
        let (applied, claimed) = try await store.record(steps, complete: [outcome], andClaim: request)
        #expect(applied == [first.id] && claimed.map(\.id) == [next.id])
        #expect(try await store.steps(of: first.id).map(\.key) == ["stage/0@x"], "written while the job still ran")
        #expect(try await store.job(first.id)?.status == .completed)
    }
}
