import Logging
import Synchronization

/// Writes step records for every job a runtime runs, with group commit: writes that arrive while
/// one store call is under way wait for the next, and go in one transaction together. Most writes
/// are not waited for — a stage's record is written while the next stage runs — and the runtime
/// ``take()``s what is still queued into the turn that records jobs' outcomes, so a job's steps are
/// in the store before its end (whose lease would refuse them after), in the same transaction.
final class StepWriter: Sendable {
    private struct Waiter {
        var writes: [StepWrite]
        var continuation: CheckedContinuation<Bool, any Error>?
        var sequence: Int
    }

    private struct State {
        var waiting: [Waiter] = []
        var writing = false
        var enqueued = 0
        var written = 0
        var flushes: [(upTo: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let store: any StepStore
    private let logger: Logger
    private let state = Mutex(State())

    init(store: any StepStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// Writes `writes` (all of one job) and waits: `false` when the job's worker no longer holds it.
    func write(_ writes: [StepWrite]) async throws -> Bool {
        try await withCheckedThrowingContinuation { continuation in add(writes, continuation) }
    }

    /// Queues `writes` without waiting; a failure is logged (the step then runs again if the job
    /// is retried).
    func enqueue(_ writes: [StepWrite]) { add(writes, nil) }

    /// Takes the queued writes nobody waits for, for the caller to write with jobs' outcomes, once
    /// the group being written (if any) is in; they count as written from here on.
    func take() async -> [StepWrite] {
        let inFlight = state.withLock { state in state.waiting.map(\.sequence).min().map { $0 - 1 } ?? state.enqueued }
        if state.withLock({ $0.written < inFlight }) {
            await withCheckedContinuation { continuation in
                let done = state.withLock { state in
                    guard state.written < inFlight else { return true }
                    state.flushes.append((inFlight, continuation))
                    return false
                }
                if done { continuation.resume() }
            }
        }
        let (taken, due) = state.withLock { state in
            let taken = state.waiting.filter { $0.continuation == nil }
            state.waiting.removeAll { $0.continuation == nil }
            state.written = max(state.written, (state.waiting.map(\.sequence).min() ?? state.enqueued + 1) - 1)
            let due = state.flushes.filter { $0.upTo <= state.written }
            state.flushes.removeAll { $0.upTo <= state.written }
            return (taken.flatMap(\.writes), due)
        }
        for flush in due { flush.continuation.resume() }
        return taken
    }

    /// Waits up to ``gathering`` for more writes, or until a flush or a waiting write wants them now.
    private func gather() async {
        let deadline = ContinuousClock.now + Self.gathering
        while ContinuousClock.now < deadline, !isUrgent() {
            try? await Task.sleep(for: .milliseconds(1))
        }
    }

    private func isUrgent() -> Bool {
        state.withLock { state in !state.flushes.isEmpty || state.waiting.contains { $0.continuation != nil } }
    }

    private func add(_ writes: [StepWrite], _ continuation: CheckedContinuation<Bool, any Error>?) {
        let start = state.withLock { state in
            state.enqueued += 1
            state.waiting.append(Waiter(writes: writes, continuation: continuation, sequence: state.enqueued))
            guard !state.writing else { return false }
            state.writing = true
            return true
        }
        if start { Task { await self.drain() } }
    }

    /// How long writes nobody waits for gather before they are written: a transaction per few
    /// milliseconds, not per stage. A waiting write or a flush ends the wait at once.
    private static let gathering = Duration.milliseconds(5)

    private func drain() async {
        while true {
            if !isUrgent() { await gather() }
            let group = state.withLock { state -> [Waiter]? in
                guard !state.waiting.isEmpty else {
                    state.writing = false
                    return nil
                }
                defer { state.waiting = [] }
                return state.waiting
            }
            guard let group else { return }
            var failure: (any Error)?
            var applied: Set<JobID> = []
            do { applied = try await store.record(group.flatMap(\.writes)) } catch { failure = error }
            if let failure, group.contains(where: { $0.continuation == nil }) {
                logger.warning("Recording job steps failed; those steps run again if their jobs do", metadata: ["error": "\(failure)"])
            }
            for waiter in group {
                if let failure { waiter.continuation?.resume(throwing: failure) } else {
                    waiter.continuation?.resume(returning: waiter.writes.allSatisfy { applied.contains($0.jobID) })
                }
            }
            let flushed = state.withLock { state in
                state.written = group.last?.sequence ?? state.written
                let due = state.flushes.filter { $0.upTo <= state.written }
                state.flushes.removeAll { $0.upTo <= state.written }
                return due
            }
            for flush in flushed { flush.continuation.resume() }
        }
    }
}
