import Synchronization

/// Fans "work may be ready" out to every listener of a store in this process. Each listener
/// holds at most one pending signal, so a burst of enqueues costs a waiting worker one wake-up.
public final class WakeupBroadcaster: Sendable {
    private struct Listeners {
        var next = 0
        var all: [Int: AsyncStream<Void>.Continuation] = [:]
    }

    private let listeners = Mutex(Listeners())

    public init() {}

    /// A new listener; it goes away when its stream is dropped or cancelled.
    public func stream() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let id = listeners.withLock { listeners in
            defer { listeners.next += 1 }
            listeners.all[listeners.next] = continuation
            return listeners.next
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.listeners.withLock { $0.all.removeValue(forKey: id) }
        }
        return stream
    }

    public func signal() {
        for listener in listeners.withLock({ Array($0.all.values) }) { listener.yield() }
    }
}
