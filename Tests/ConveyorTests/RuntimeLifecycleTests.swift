import Conveyor
import ConveyorDiagnostics
import Foundation
import Synchronization
import Testing

@Suite("Runtime lifecycle")
struct RuntimeLifecycleTests {
    @Test("queued → running → completed, with the result kept")
    func completes() async throws {
        try await withRuntime { runtime in
            let log = EventLog(runtime)
            let job = try await runtime.enqueue(JobRequest(type: "sleep", payload: payload(#"{"ms":30}"#))).job
            #expect(job.status == .queued)
            let done = try await runtime.waitUntilFinished(job.id)
            #expect(done.status == .completed)
            #expect(String(decoding: done.result ?? Data(), as: UTF8.self) == #"{"slept":30}"#)
            #expect(done.attempts == 1 && done.progress.percent == 100 && done.startedAt != nil && done.finishedAt != nil)
            try await eventually("completed event") { log.states(of: job.id).last == .completed }
            #expect(log.states(of: job.id) == [.queued, .running, .completed])
        }
    }

    @Test("a finished job keeps its last progress report, not one from a tick before", arguments: 0..<5)
    func finalProgressKept(run: Int) async throws {
        try await withRuntime { runtime in
            let job = try await runtime.enqueue(JobRequest(type: "sleep", payload: payload(#"{"ms":200}"#))).job
            let done = try await runtime.waitUntilFinished(job.id)
            #expect(done.status == .completed)
            #expect(done.progress.percent == 100 && done.progress.message == "Slept 200 of 200 ms", "run \(run): \(done.progress)")
        }
    }

    @Test("scheduled → queued when its delay passes")
    func delayed() async throws {
        try await withRuntime { runtime in
            let job = try await runtime.enqueue(JobRequest(type: "noop", payload: payload("{}"), options: EnqueueOptions(delay: .milliseconds(300)))).job
            #expect(job.status == .scheduled)
            try await Task.sleep(for: .milliseconds(100))
            #expect(try await runtime.store.job(job.id)?.status == .scheduled)
            let done = try await runtime.waitUntilFinished(job.id)
            #expect(done.status == .completed)
            #expect(try #require(done.startedAt) >= job.scheduledAt)
        }
    }

    @Test("a retryable failure goes through scheduled, then succeeds")
    func retries() async throws {
        try await withRuntime { runtime in
            let log = EventLog(runtime)
            let job = try await runtime.enqueue(JobRequest(type: "flaky", payload: payload(#"{"failTimes":2}"#))).job
            let done = try await runtime.waitUntilFinished(job.id)
            #expect(done.status == .completed && done.attempts == 3)
            try await eventually("all events") { log.states(of: job.id).last == .completed }
            #expect(log.states(of: job.id) == [.queued, .running, .scheduled, .running, .scheduled, .running, .completed])
        }
    }

    @Test("a permanent failure fails at once; out of attempts fails too; retry brings it back")
    func failures() async throws {
        try await withRuntime { runtime in
            let permanent = try await runtime.enqueue(JobRequest(type: "flaky", payload: payload(#"{"failTimes":1,"permanent":true}"#))).job
            let failed = try await runtime.waitUntilFinished(permanent.id)
            #expect(failed.status == .failed && failed.attempts == 1 && failed.error?.isPermanent == true)
            #expect(failed.error?.message.contains("Failing on purpose") == true)

            let exhausted = try await runtime.enqueue(JobRequest(type: "flaky", payload: payload(#"{"failTimes":9}"#), options: EnqueueOptions(maxAttempts: 2))).job
            let gaveUp = try await runtime.waitUntilFinished(exhausted.id)
            #expect(gaveUp.status == .failed && gaveUp.attempts == 2 && gaveUp.error?.isPermanent == false)

            // failed → queued by hand: attempts reset, and now it runs its course again.
            let again = try await runtime.retry(permanent.id)
            #expect(again.status == .queued && again.attempts == 0)
            await #expect(throws: ConveyorError.self) { try await runtime.retry(JobID.make()) }
        }
    }

    @Test("cancel works on queued, scheduled and running jobs; finished ones conflict")
    func cancel() async throws {
        try await withRuntime(RuntimeConfiguration(concurrency: 1, pollInterval: .milliseconds(20))) { runtime in
            let running = try await runtime.enqueue(JobRequest(type: "sleep", payload: payload(#"{"ms":60000}"#))).job
            let queued = try await runtime.enqueue(JobRequest(type: "noop", payload: payload("{}"))).job
            let scheduled = try await runtime.enqueue(JobRequest(type: "noop", payload: payload("{}"), options: EnqueueOptions(delay: .seconds(60)))).job
            try await eventually("sleep running") { try await runtime.store.job(running.id)?.status == .running }
            for id in [queued.id, scheduled.id, running.id] {
                #expect(try await runtime.cancel(id).status == .cancelled)
            }
            // The running sleep stops: its slot frees up and the runtime becomes idle.
            try await eventually("running job stopped") { runtime.activeJobCount == 0 }
            let stopped = try await runtime.store.job(running.id)
            #expect(stopped?.status == .cancelled)
            #expect((stopped?.progress.percent ?? 100) < 100)  // it stopped, it did not sleep to the end
            do {
                try await runtime.cancel(queued.id)
                Issue.record("cancelling a cancelled job should conflict")
            } catch let error as ConveyorError {
                #expect(error.code == .conflict)
            }
        }
    }

    @Test("a timeout really stops a sleep job and counts as a retryable failure")
    func timeout() async throws {
        try await withRuntime { runtime in
            let job = try await runtime.enqueue(JobRequest(
                type: "sleep", payload: payload(#"{"ms":60000}"#), options: EnqueueOptions(maxAttempts: 1, timeout: .milliseconds(200)))).job
            let done = try await runtime.waitUntilFinished(job.id)
            #expect(done.status == .failed)
            #expect(done.progress.percent < 100)  // stopped at the timeout, not slept to the end
            #expect(done.error?.message == "Timed out after 200ms")
            #expect(runtime.activeJobCount == 0)
        }
    }

    @Test("a handler's run-again does not spend an attempt")
    func runAgain() async throws {
        try await withRuntime(plugins: [SnoozePlugin()]) { runtime in
            let log = EventLog(runtime)
            let job = try await runtime.enqueue(Snooze.self, "snooze-test").job
            let done = try await runtime.waitUntilFinished(job.id)
            // maxAttempts is 1, yet it ran twice: the snooze gave its attempt back.
            #expect(done.status == .completed && done.attempts == 1)
            #expect(String(decoding: done.result ?? Data(), as: UTF8.self) == "2")
            try await eventually("events") { log.states(of: job.id).last == .completed }
            #expect(log.states(of: job.id) == [.queued, .running, .scheduled, .running, .completed])
        }
    }

    @Test("paused queues are not worked until resumed")
    func pause() async throws {
        try await withRuntime { runtime in
            try await runtime.pause(queue: "default")
            let job = try await runtime.enqueue(JobRequest(type: "noop", payload: payload("{}"))).job
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await runtime.store.job(job.id)?.status == .queued)
            try await runtime.resume(queue: "default")
            #expect(try await runtime.waitUntilFinished(job.id).status == .completed)
        }
    }

    @Test("dedup returns the unfinished job; capacity refuses with queue_full")
    func dedupAndCapacity() async throws {
        var configuration = RuntimeConfiguration(concurrency: 1, pollInterval: .milliseconds(20))
        configuration.maxQueueSize = 2
        try await withRuntime(configuration) { runtime in
            try await runtime.pause(queue: "default")
            let first = try await runtime.enqueue(JobRequest(type: "noop", payload: payload("{}"), options: EnqueueOptions(dedupKey: "k")))
            let second = try await runtime.enqueue(JobRequest(type: "noop", payload: payload("{}"), options: EnqueueOptions(dedupKey: "k")))
            #expect(second.deduplicated && second.job.id == first.job.id)
            try await runtime.enqueue(JobRequest(type: "noop", payload: payload("{}")))
            do {
                try await runtime.enqueue(JobRequest(type: "noop", payload: payload("{}")))
                Issue.record("expected queue_full")
            } catch let error as ConveyorError {
                #expect(error.code == .queueFull)
            }
            try await runtime.resume(queue: "default")
        }
    }
}

/// Asks to run again once (like a 429), then returns how many times it ran.
struct Snooze: JobHandler {
    static let name = "snooze"
    static let options = JobOptions(maxAttempts: 1)
    static let calls = Mutex<[String: Int]>([:])

    func run(_ key: String, context: JobContext) async throws -> Int {
        let calls = Snooze.calls.withLock { calls in
            calls[key, default: 0] += 1
            return calls[key]!
        }
        if calls == 1 { throw JobError.runAgain(after: .milliseconds(50), reason: "rate limited") }
        return calls
    }
}

struct SnoozePlugin: ConveyorPlugin {
    let name = "snooze"
    func register(into registry: inout HandlerRegistry) { registry.register(Snooze()) }
}
