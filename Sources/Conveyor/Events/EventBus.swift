import Synchronization

/// Fans events out to any number of subscribers. A slow subscriber loses its oldest
/// buffered events rather than slowing the workers down.
final class EventBus: Sendable {
    private struct State {
        var next = 0
        var subscribers: [Int: AsyncStream<JobEvent>.Continuation] = [:]
    }

    private let state = Mutex(State())
    private let hasSubscribersFlag = Atomic<Bool>(false)

    /// Cheap check so hot paths build no event nobody reads.
    var hasSubscribers: Bool { hasSubscribersFlag.load(ordering: .relaxed) }

    func subscribe(bufferSize: Int = 4096) -> AsyncStream<JobEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: JobEvent.self, bufferingPolicy: .bufferingNewest(bufferSize))
        let id = state.withLock { state in
            defer { state.next += 1 }
            state.subscribers[state.next] = continuation
            hasSubscribersFlag.store(true, ordering: .relaxed)
            return state.next
        }
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            self.state.withLock { state in
                state.subscribers[id] = nil
                self.hasSubscribersFlag.store(!state.subscribers.isEmpty, ordering: .relaxed)
            }
        }
        return stream
    }

    func emit(_ event: JobEvent) {
        guard hasSubscribers else { return }
        let subscribers = state.withLock { Array($0.subscribers.values) }
        for subscriber in subscribers { subscriber.yield(event) }
    }

    func finish() {
        let subscribers = state.withLock { state in
            defer { state.subscribers = [:] }
            return Array(state.subscribers.values)
        }
        hasSubscribersFlag.store(false, ordering: .relaxed)
        for subscriber in subscribers { subscriber.finish() }
    }
}
