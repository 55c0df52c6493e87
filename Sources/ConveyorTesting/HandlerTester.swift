public import Conveyor
import Logging
import Synchronization

/// Runs a handler, stage or pipeline in-process with a real context — progress, memory budget,
/// cancellation — and no store or server, so developers can unit-test their own handlers.
///
/// ```swift
/// let run = await HandlerTester().run(MyHandler(), MyHandler.Input(...))
/// #expect(try run.output().count == 3)
/// #expect(run.progress.last?.percent == 100)
/// ```
public struct HandlerTester: Sendable {
    /// The budget runs reserve from; inspect its stats after a run.
    public let memory: MemoryBudget
    public var attempt: Int
    public var maxAttempts: Int

    public init(memory: MemoryLimits = MemoryLimits(), attempt: Int = 1, maxAttempts: Int = 3) {
        self.memory = MemoryBudget(memory)
        self.attempt = attempt
        self.maxAttempts = maxAttempts
    }

    /// Runs a handler once.
    public func run<H: JobHandler>(_ handler: H, _ input: H.Input) async -> HandlerTestRun<H.Output> {
        await run(type: H.name) { context in try await handler.run(input, context: context) }
    }

    /// Runs a pipeline once, all stages.
    public func run<Input, Output>(_ pipeline: Pipeline<Input, Output>, _ input: Input) async -> HandlerTestRun<Output> {
        await run(type: pipeline.name) { context in try await pipeline.run(input, context: context) }
    }

    /// Runs a single stage once, as its pipeline would.
    public func run<S: Stage>(_ stage: S, _ input: S.Input) async -> HandlerTestRun<S.Output> {
        await run(type: stage.name) { context in try await stage.run(input, context: context) }
    }

    private func run<Output: Sendable>(type: String, _ body: (JobContext) async throws -> Output) async -> HandlerTestRun<Output> {
        let events = Mutex<[JobProgress]>([])
        let jobMemory = JobMemory(budget: memory)
        // Every report is recorded: the throttle interval is zero in tests.
        let tracker = ProgressTracker(minimumInterval: .zero) { progress in events.withLock { $0.append(progress) } }
        let context = JobContext(
            jobID: .make(), jobType: type, attempt: attempt, maxAttempts: maxAttempts,
            logger: Logger(label: "conveyor.test.\(type)"), memory: jobMemory, tracker: tracker)
        let result: Result<Output, any Error>
        do { result = .success(try await body(context)) } catch { result = .failure(error) }
        let peak = memory.stats.peak
        jobMemory.releaseAll()
        return HandlerTestRun(
            result: result, progress: events.withLock { $0 }, peakMemory: peak, memoryAfter: memory.stats.current)
    }
}
