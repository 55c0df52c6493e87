import Synchronization

/// The listeners of a store's ``JobEventSource``: each with its own stream (a slow one loses its
/// oldest events) and its own say in whether events are wanted right now, so a store spends
/// nothing on reading other processes' events while no one would look at them.
public final class SharedEventFeed: Sendable {
    private struct Listener {
        let continuation: AsyncStream<JobEvent>.Continuation
        let wanted: @Sendable () -> Bool
    }

    private struct Listeners {
        var next = 0
        var all: [Int: Listener] = [:]
    }

    private let listeners = Mutex(Listeners())

    public init() {}

    /// A new listener; `wanted` is asked before each read of other processes' events.
    public func stream(wanted: @escaping @Sendable () -> Bool) -> AsyncStream<JobEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: JobEvent.self, bufferingPolicy: .bufferingNewest(1024))
        let id = listeners.withLock { listeners in
            defer { listeners.next += 1 }
            listeners.all[listeners.next] = Listener(continuation: continuation, wanted: wanted)
            return listeners.next
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.listeners.withLock { $0.all.removeValue(forKey: id) }
        }
        return stream
    }

    /// Whether any stream is open, wanted now or not: a store that must announce itself to other
    /// processes before they send it anything does so while this holds.
    public var hasListeners: Bool {
        listeners.withLock { !$0.all.isEmpty }
    }

    /// Whether any listener wants events now.
    public var isWanted: Bool {
        listeners.withLock { Array($0.all.values) }.contains { $0.wanted() }
    }

    public func send(_ event: JobEvent) {
        for listener in listeners.withLock({ Array($0.all.values) }) { listener.continuation.yield(event) }
    }
}
