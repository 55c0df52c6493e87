import Synchronization

/// Runs an operation against a deadline and returns at whichever comes first — without waiting
/// for an operation that ignores cancellation. A task group cannot do that (it awaits every
/// child), and postgres-nio may keep waiting on a connection the server dropped during a
/// restart: a worker stuck there would never drain or exit, a health probe never answer. The
/// late operation is cancelled and left to end on its own.
package final class DeadlineRace<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T?, any Error>?
        var tasks: [Task<Void, Never>] = []
        var done = false
        /// The first result, when it came before the continuation was there: a caller that
        /// was cancelled already gets `onCancel` ahead of the body.
        var early: Result<T?, any Error>?
    }

    private let state = Mutex(State())

    /// The operation's value, `nil` once `limit` passed first; rethrows its error; throws
    /// `CancellationError` when the caller is cancelled.
    package static func run(limit: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T? {
        let race = DeadlineRace<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let early = race.state.withLock { state -> Result<T?, any Error>? in
                    if state.early == nil { state.continuation = continuation }
                    return state.early
                }
                if let early {
                    continuation.resume(with: early)
                    return
                }
                let work = Task {
                    do { race.finish(.success(try await operation())) } catch { race.finish(.failure(error)) }
                }
                let timer = Task {
                    try? await Task.sleep(for: limit)
                    race.finish(.success(nil))
                }
                race.adopt([work, timer])
            }
        } onCancel: {
            race.finish(.failure(CancellationError()))
        }
    }

    private func adopt(_ tasks: [Task<Void, Never>]) {
        let finished = state.withLock { state in
            state.tasks = tasks
            return state.done
        }
        if finished { tasks.forEach { $0.cancel() } }
    }

    /// The first result wins; the rest are ignored and the other task is cancelled.
    private func finish(_ result: Result<T?, any Error>) {
        let (continuation, tasks) = state.withLock { state -> (CheckedContinuation<T?, any Error>?, [Task<Void, Never>]) in
            guard !state.done else { return (nil, []) }
            state.done = true
            if state.continuation == nil { state.early = result }
            defer { state.continuation = nil }
            return (state.continuation, state.tasks)
        }
        tasks.forEach { $0.cancel() }
        continuation?.resume(with: result)
    }
}
