import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization

/// Runs jobs: claims them from a store in batches, runs up to `concurrency` at once, keeps
/// their leases alive, applies retries and timeouts, and drains gracefully on shutdown.
///
/// It is a swift-service-lifecycle `Service`: put it in a `ServiceGroup` and SIGTERM/SIGINT
/// stop claiming, let running jobs finish for `drainTimeout`, then cancel and re-queue the rest.
public final class ConveyorRuntime: Service, Sendable {
    public let store: any JobStore
    public let registry: HandlerRegistry
    /// The budget every job of this process shares.
    public let memory: MemoryBudget
    public let configuration: RuntimeConfiguration
    /// What wraps every job this runtime enqueues and runs (metrics, logs, traces, limits), outermost first.
    public let middleware: [any JobMiddleware]
    let bus = EventBus()
    /// Orders a new job's events behind its enqueue's announcement.
    let announcements = JobAnnouncements()
    let enqueueHooks = EnqueueHookGate()
    /// Records the steps of every job this runtime runs, many jobs' writes to a transaction, and
    /// reads them as jobs start, many jobs to a query.
    let stepWriter: StepWriter
    let stepReader: StepReader
    let logger: Logger
    let coordinator = Mutex(Coordinator())

    /// Why the runtime stopped a job's task, which decides what happens to the job.
    enum StopReason {
        case timeout, cancelled, leaseLost, shutdown
    }

    struct RunningJob {
        let job: Job
        let deadline: ContinuousClock.Instant
        var task: Task<Void, Never>?
        var reason: StopReason?
    }

    struct FinishedJob {
        let job: Job
        let result: Result<Data, any Error>
        let reason: StopReason?
        let finishedAt: Date
    }

    struct Coordinator {
        var running: [JobID: RunningJob] = [:]
        var finished: [FinishedJob] = []
        var progress: [JobID: JobProgress] = [:]
        var waiter: CheckedContinuation<Void, Never>?
        var signalled = false
        /// Bumped by every hint that new work may be ready; a claim that came back short
        /// only concludes "nothing to do" if no hint arrived meanwhile.
        var workGeneration = 0
        var workAvailable = true
        /// Store calls of the coordinator under way, and the slots their claims may fill.
        var turnsInFlight = 0
        var claiming = 0
        var draining = false
        var drainDeadline: ContinuousClock.Instant?
        var started = false
        /// Attempts this runtime finished, for its ``WorkerRecord``.
        var processed = 0
        var startedAt = Date()
        var stopped = false
    }

    /// Builds a runtime over a store with the handlers of these plugins, each job wrapped by
    /// `middleware` (outermost first). Throws `ConveyorError(.invalidConfiguration)` listing
    /// every problem, one per line.
    public init(
        store: any JobStore, plugins: [any ConveyorPlugin], configuration: RuntimeConfiguration = RuntimeConfiguration(),
        memory: MemoryBudget? = nil, middleware: [any JobMiddleware] = [], logger: Logger = Logger(label: "conveyor")
    ) throws {
        let registry = HandlerRegistry(plugins: plugins)
        var problems = configuration.problems
        if !registry.duplicates.isEmpty {
            problems.append("handlers: registered more than once: \(Set(registry.duplicates).sorted().joined(separator: ", "))")
        }
        guard problems.isEmpty else { throw ConveyorError(.invalidConfiguration, problems.joined(separator: "\n")) }
        self.store = store
        self.stepWriter = StepWriter(store: store, logger: logger)
        self.stepReader = StepReader(store: store)
        self.registry = registry
        self.configuration = configuration
        self.middleware = middleware
        self.memory = memory ?? MemoryBudget(configuration.memory)
        self.logger = logger
        let bus = self.bus
        self.memory.onWarning { stats in bus.emit(.memoryWarning(stats)) }
    }

    /// Every event of this process: state changes, progress, memory warnings.
    public func events() -> AsyncStream<JobEvent> { bus.subscribe() }

    /// Jobs running in this process now.
    public var activeJobCount: Int { coordinator.withLock { $0.running.count } }

    /// `true` once shutdown began: no new claims.
    public var isDraining: Bool { coordinator.withLock { $0.draining } }

    /// Runs workers until shutdown: graceful (service lifecycle, `shutdown()`) or task cancellation.
    public func run() async throws {
        let alreadyStarted = coordinator.withLock { state in
            defer { (state.started, state.startedAt) = (true, Date()) }
            return state.started
        }
        guard !alreadyStarted else { throw ConveyorError(.conflict, "This runtime is already running") }
        logger.info("Conveyor workers starting", metadata: [
            "worker": .string(configuration.workerID), "concurrency": .stringConvertible(configuration.concurrency),
            "handlers": .string(registry.names.joined(separator: ",")),
        ])
        do { _ = try await store.rescueExpiredLeases(now: Date()) } catch {
            logger.warning("Could not rescue expired leases at start", metadata: ["error": "\(error)"])
        }
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.maintain() }
                if let source = self.store as? any JobWakeupSource {
                    group.addTask {
                        for await _ in source.wakeups() { self.signal(work: true) }
                    }
                }
                group.addTask { await self.relaySharedEvents() }
                await self.coordinate()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.shutdown()
        }
        await flushProgress()
        coordinator.withLock { $0.stopped = true }
        await unlistWorker()
        logger.info("Conveyor workers stopped", metadata: ["worker": .string(configuration.workerID)])
    }

    /// Re-emits on ``events()`` what other processes publish through the store (``JobEventSource``:
    /// their jobs' progress and outcomes), while anyone listens, until cancelled. `run()` does this itself; a process that runs no
    /// workers — an API server in front of `conveyor worker`s — runs it on its own.
    public func relaySharedEvents() async {
        guard let source = store as? any JobEventSource else { return }
        let bus = bus
        for await event in source.sharedEvents(wanted: { bus.hasSubscribers }) where bus.hasSubscribers { bus.emit(event) }
    }

    /// Begins a graceful drain: no new claims; running jobs get `drainTimeout` to finish,
    /// then are cancelled and put back in the queue without spending an attempt.
    public func shutdown() {
        let running = coordinator.withLock { state -> Int? in
            guard !state.draining else { return nil }
            state.draining = true
            state.drainDeadline = .now + configuration.drainTimeout
            return state.running.count
        }
        if let running {
            logger.info("Draining: no new claims", metadata: [
                "jobs.running": "\(running)", "drain.timeout": "\(DurationText.format(configuration.drainTimeout))",
            ])
        }
        signal()
    }

    // MARK: - Wake-ups

    /// Wakes the coordinator; `work` says new jobs may be ready.
    func signal(work: Bool = false) {
        let waiter = coordinator.withLock { state -> CheckedContinuation<Void, Never>? in
            if work {
                state.workAvailable = true
                state.workGeneration &+= 1
            }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.signalled = true
            return nil
        }
        waiter?.resume()
    }

    /// Sleeps until `signal()`. Once the runtime's own task is cancelled, cancellation no
    /// longer wakes it (that would spin): only finishing jobs do.
    func waitForSignal() async {
        let cancelled = Task.isCancelled
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = coordinator.withLock { state -> Bool in
                    if state.signalled || (Task.isCancelled && !cancelled) {
                        state.signalled = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            // Called at once when the task was already cancelled: signalling then would wake
            // this wait immediately, every time — a spin for as long as jobs take to stop.
            if !cancelled { self.signal() }
        }
    }
}
