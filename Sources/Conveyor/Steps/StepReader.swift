import Synchronization

/// Reads the recorded steps of jobs as they start, many jobs to a store call: reads asked for
/// while one is under way go together in the next. Jobs claimed together start together, so a
/// pipeline's first look at its records costs a fraction of a query, not one each.
final class StepReader: Sendable {
    private struct State {
        var waiting: [(id: JobID, continuation: CheckedContinuation<[StepRecord], any Error>)] = []
        var reading = false
    }

    private let store: any StepStore
    private let state = Mutex(State())

    init(store: any StepStore) {
        self.store = store
    }

    func steps(of id: JobID) async throws -> [StepRecord] {
        try await withCheckedThrowingContinuation { continuation in
            let start = state.withLock { state in
                state.waiting.append((id, continuation))
                guard !state.reading else { return false }
                state.reading = true
                return true
            }
            if start { Task { await self.drain() } }
        }
    }

    private func drain() async {
        while true {
            let group = state.withLock { state -> [(id: JobID, continuation: CheckedContinuation<[StepRecord], any Error>)]? in
                guard !state.waiting.isEmpty else {
                    state.reading = false
                    return nil
                }
                defer { state.waiting = [] }
                return state.waiting
            }
            guard let group else { return }
            do {
                let found = try await store.steps(of: group.map(\.id))
                for waiter in group { waiter.continuation.resume(returning: found[waiter.id] ?? []) }
            } catch {
                for waiter in group { waiter.continuation.resume(throwing: error) }
            }
        }
    }
}
