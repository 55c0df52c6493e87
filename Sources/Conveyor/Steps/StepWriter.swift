import Synchronization

/// Writes step records for every job a runtime runs, with group commit: writes that arrive while
/// one store call is under way wait for the next, and go in one transaction together. A stage
/// waits for its record before the next starts, so without this every stage would pay a
/// transaction of its own.
final class StepWriter: Sendable {
    private typealias Waiter = (writes: [StepWrite], continuation: CheckedContinuation<Bool, any Error>)

    private struct State {
        var waiting: [Waiter] = []
        var writing = false
    }

    private let store: any StepStore
    private let state = Mutex(State())

    init(store: any StepStore) {
        self.store = store
    }

    /// Writes `writes` (all of one job); `false` when the job's worker no longer holds it.
    func write(_ writes: [StepWrite]) async throws -> Bool {
        try await withCheckedThrowingContinuation { continuation in
            let start = state.withLock { state in
                state.waiting.append((writes, continuation))
                guard !state.writing else { return false }
                state.writing = true
                return true
            }
            if start { Task { await self.drain() } }
        }
    }

    private func drain() async {
        while true {
            let group = state.withLock { state -> [Waiter]? in
                guard !state.waiting.isEmpty else {
                    state.writing = false
                    return nil
                }
                defer { state.waiting = [] }
                return state.waiting
            }
            guard let group else { return }
            do {
                let applied = try await store.record(group.flatMap(\.writes))
                for waiter in group { waiter.continuation.resume(returning: waiter.writes.allSatisfy { applied.contains($0.jobID) }) }
            } catch {
                for waiter in group { waiter.continuation.resume(throwing: error) }
            }
        }
    }
}
