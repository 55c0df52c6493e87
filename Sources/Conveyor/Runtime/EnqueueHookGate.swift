import Synchronization

/// Jobs whose middleware has not heard their enqueue yet. A worker woken by the store's commit
/// may claim a job before the enqueuer's call returns; its attempt waits here, so every
/// middleware hears `enqueued` before `before` for the same job.
final class EnqueueHookGate: Sendable {
    private struct State {
        var held: Set<JobID> = []
        var waiting: [JobID: [CheckedContinuation<Void, Never>]] = [:]
    }

    private let state = Mutex(State())

    func hold(_ ids: [JobID]) {
        state.withLock { $0.held.formUnion(ids) }
    }

    /// Lets the attempts of `ids` go on (after their hooks ran, or the enqueue failed).
    func release(_ ids: [JobID]) {
        let resumed = state.withLock { state in
            state.held.subtract(ids)
            return ids.flatMap { state.waiting.removeValue(forKey: $0) ?? [] }
        }
        for continuation in resumed { continuation.resume() }
    }

    /// Returns at once unless `id`'s enqueue hooks are still to run.
    func wait(for id: JobID) async {
        await withCheckedContinuation { continuation in
            let held = state.withLock { state in
                guard state.held.contains(id) else { return false }
                state.waiting[id, default: []].append(continuation)
                return true
            }
            if !held { continuation.resume() }
        }
    }
}
