import Conveyor
import Foundation
import Logging
import Testing

/// Counts how often each stage or step body ran, across attempts.
final class RunCounter: Sendable {
    private let counts = Locked<[String: Int]>([:])
    func ran(_ name: String) { counts.withLock { $0[name, default: 0] += 1 } }
    func count(_ name: String) -> Int { counts.withLock { $0[name, default: 0] } }
}

/// One plugin of whatever pipelines and handlers a test builds.
struct PipelinePlugin<Input: Codable & Sendable, Output: Codable & Sendable>: ConveyorPlugin {
    let name = "test-pipelines"
    let pipeline: Pipeline<Input, Output>
    func register(into registry: inout HandlerRegistry) { registry.register(pipeline) }
}

/// A closure as a plain handler, to call `context.step` from.
struct StepsHandler: JobHandler {
    static let name = "with-steps"
    static let options = JobOptions(retry: .fixed([.milliseconds(10)]), maxAttempts: 3)
    struct Input: Codable, Sendable {}
    let body: @Sendable (JobContext) async throws -> [String]
    func run(_ input: Input, context: JobContext) async throws -> [String] { try await body(context) }
}

struct StepsPlugin: ConveyorPlugin {
    let name = "test-steps"
    let handler: StepsHandler
    func register(into registry: inout HandlerRegistry) { registry.register(handler) }
}

@Suite("Durable steps")
struct DurableStepTests {
    static let retryOnce = JobOptions(retry: .fixed([.milliseconds(10)]), maxAttempts: 3)

    /// Three stages; the third fails on the first attempt. The middle one is `Codable` or not.
    static func pipeline(_ counter: RunCounter, codableMiddle: Bool = true, name: String = "three") -> Pipeline<Int, Int> {
        if codableMiddle {
            return Pipeline<Int, Int>(name, options: retryOnce) {
                Step<Int, Int>("one") { value, _ in counter.ran("one"); return value + 1 }
                Step<Int, Int>("two") { value, _ in counter.ran("two"); return value * 10 }
                Step<Int, Int>("three") { value, context in
                    counter.ran("three")
                    if context.attempt == 1 { throw JobError.retryable("first attempt fails") }
                    return value + 3
                }
            }
        }
        return Pipeline<Int, Int>(name, options: retryOnce) {
            Step<Int, Int>("one") { value, _ in counter.ran("one"); return value + 1 }
            Step<Int, NSNumber>("two") { value, _ in counter.ran("two"); return NSNumber(value: value * 10) }
            Step<NSNumber, Int>("three") { value, context in
                counter.ran("three")
                if context.attempt == 1 { throw JobError.retryable("first attempt fails") }
                return value.intValue + 3
            }
        }
    }

    @Test("a retry starts at the first unfinished stage with the recorded output")
    func resumesAfterRecordedStages() async throws {
        let counter = RunCounter()
        try await withRuntime(plugins: [PipelinePlugin(pipeline: Self.pipeline(counter))]) { runtime in
            let id = try await runtime.enqueue(JobRequest(type: "three", payload: Data("4".utf8))).job.id
            let job = try await runtime.waitUntilFinished(id)
            #expect(job.status == .completed && job.attempts == 2)
            #expect(job.result == Data("53".utf8))
            #expect(counter.count("one") == 1 && counter.count("two") == 1 && counter.count("three") == 2)
            let steps = try await runtime.store.steps(of: id)
            // The last stage's output is the job's result: it is stored with the job's end instead.
            #expect(steps.filter { $0.stageIndex != nil }.map(\.name) == ["one", "two"])
            #expect(steps.allSatisfy { $0.attempt == 1 && $0.status == .completed && $0.finishedAt != nil })
        }
    }

    @Test("a stage whose output is not Codable runs again from the recorded output before it")
    func rerunsFromNearestRecorded() async throws {
        let counter = RunCounter()
        try await withRuntime(plugins: [PipelinePlugin(pipeline: Self.pipeline(counter, codableMiddle: false))]) { runtime in
            let id = try await runtime.enqueue(JobRequest(type: "three", payload: Data("4".utf8))).job.id
            let job = try await runtime.waitUntilFinished(id)
            #expect(job.status == .completed && job.result == Data("53".utf8))
            #expect(counter.count("one") == 1 && counter.count("two") == 2 && counter.count("three") == 2)
        }
    }

    @Test("an output over CONVEYOR_MAX_STEP_OUTPUT is not recorded, so its stage runs again")
    func oversizedOutputRunsAgain() async throws {
        let counter = RunCounter()
        var configuration = RuntimeConfiguration(concurrency: 4, pollInterval: .milliseconds(20))
        configuration.maxStepOutput = 1
        try await withRuntime(configuration, plugins: [PipelinePlugin(pipeline: Self.pipeline(counter))]) { runtime in
            let id = try await runtime.enqueue(JobRequest(type: "three", payload: Data("4".utf8))).job.id
            #expect(try await runtime.waitUntilFinished(id).result == Data("53".utf8))
            // "5" fits in one byte; "50" does not: "one" is resumed from, "two" runs again.
            #expect(counter.count("one") == 1 && counter.count("two") == 2)
        }
    }

    @Test("a pipeline whose stages changed since they were recorded starts from the first stage")
    func changedShapeRestarts() async throws {
        let store = MemoryJobStore()
        let counter = RunCounter()
        let old = Pipeline<Int, Int>("evolving", options: Self.retryOnce) {
            Step<Int, Int>("fetch") { value, _ in counter.ran("old fetch"); return value }
            Step<Int, Int>("never") { _, _ in throw JobError.permanent("the old version stops here") }
        }
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        let first = try ConveyorRuntime(store: store, plugins: [PipelinePlugin(pipeline: old)], logger: quiet)
        let id = try await first.withRunning {
            let id = try await first.enqueue(JobRequest(type: "evolving", payload: Data("1".utf8))).job.id
            #expect(try await first.waitUntilFinished(id).status == .failed)
            return id
        }
        let recorded = try await store.steps(of: id)
        #expect(recorded.map(\.stageIndex) == [0] && recorded.map(\.name) == ["fetch"])

        let new = Pipeline<Int, Int>("evolving", options: Self.retryOnce) {
            Step<Int, Int>("prepare") { value, _ in counter.ran("prepare"); return value + 1 }
            Step<Int, Int>("fetch") { value, _ in counter.ran("new fetch"); return value * 2 }
        }
        let second = try ConveyorRuntime(store: store, plugins: [PipelinePlugin(pipeline: new)], logger: quiet)
        try await second.withRunning {
            _ = try await second.retry(id)
            let job = try await second.waitUntilFinished(id)
            #expect(job.status == .completed && job.result == Data("4".utf8))
        }
        #expect(counter.count("prepare") == 1 && counter.count("new fetch") == 1)
        #expect(try await store.steps(of: id).map(\.name) == ["prepare"], "the old version's records are gone")
    }

    @Test("context.step runs once per job by name and occurrence, and returns what it recorded")
    func plainSteps() async throws {
        let counter = RunCounter()
        let handler = StepsHandler { context in
            let a = try await context.step("fetch") { counter.ran("fetch 1"); return "a\(context.attempt)" }
            let b = try await context.step("fetch") { counter.ran("fetch 2"); return "b\(context.attempt)" }
            if context.attempt == 1 { throw JobError.retryable("fails after the steps") }
            let c = try await context.step("send") { counter.ran("send"); return "c\(context.attempt)" }
            return [a, b, c]
        }
        try await withRuntime(plugins: [StepsPlugin(handler: handler)]) { runtime in
            let id = try await runtime.enqueue(JobRequest(type: "with-steps", payload: Data("{}".utf8))).job.id
            let job = try await runtime.waitUntilFinished(id)
            #expect(job.status == .completed && job.attempts == 2)
            #expect(try JSONDecoder().decode([String].self, from: try #require(job.result)) == ["a1", "b1", "c2"])
            #expect(counter.count("fetch 1") == 1 && counter.count("fetch 2") == 1 && counter.count("send") == 1)
            let steps = try await runtime.store.steps(of: id)
            #expect(steps.map(\.key) == ["step/fetch", "step/fetch#2", "step/send"])
            #expect(steps.map(\.name) == ["fetch", "fetch", "send"] && steps.allSatisfy { $0.status == .completed })
        }
    }

    @Test("an at-most-once step found started with no outcome fails the job with outcome_unknown, without running")
    func atMostOnceUnknown() async throws {
        let counter = RunCounter()
        let handler = StepsHandler { context in
            [try await context.step("post", delivery: .atMostOnce) { counter.ran("post"); return "posted" }]
        }
        let store = MemoryJobStore()
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        let runtime = try ConveyorRuntime(store: store, plugins: [StepsPlugin(handler: handler)], logger: quiet)
        // A worker that died inside the step: it recorded the start, then its lease lapsed.
        let id = try await runtime.enqueue(JobRequest(type: "with-steps", payload: Data("{}".utf8))).job.id
        let now = Date()
        _ = try await store.claim(ClaimRequest(workerID: "dead", queues: nil, limit: 1, priorityOrder: [.normal], now: now, leaseExpiresAt: now))
        let started = StepRecord(key: "step/post", name: "post", position: 10_000, status: .running, attempt: 1, startedAt: now)
        #expect(try await store.record([StepWrite(jobID: id, workerID: "dead", attempt: 1, change: .save(started))]) == [id])
        #expect(try await store.rescueExpiredLeases(now: now.addingTimeInterval(1)) == 1)
        try await runtime.withRunning {
            let job = try await runtime.waitUntilFinished(id)
            #expect(job.status == .failed && job.error?.code == .outcomeUnknown && job.error?.isPermanent == true)
            #expect(job.error?.message.contains("Step 'post' started in attempt 1 and left no outcome") == true)
        }
        #expect(counter.count("post") == 0)
    }

    @Test("an at-most-once step that throws has a known outcome: the retry runs it again")
    func atMostOnceFailureRetries() async throws {
        let counter = RunCounter()
        let handler = StepsHandler { context in
            [try await context.step("post", delivery: .atMostOnce) {
                counter.ran("post")
                if context.attempt == 1 { throw JobError.retryable("refused") }
                return "posted"
            }]
        }
        try await withRuntime(plugins: [StepsPlugin(handler: handler)]) { runtime in
            let id = try await runtime.enqueue(JobRequest(type: "with-steps", payload: Data("{}".utf8))).job.id
            let job = try await runtime.waitUntilFinished(id)
            #expect(job.status == .completed && counter.count("post") == 2)
            #expect(try await runtime.store.steps(of: id).map(\.status) == [.completed])
        }
    }
}
