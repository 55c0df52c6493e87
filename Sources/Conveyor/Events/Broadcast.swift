import Synchronization

/// Hands each value to every current listener, each on its own stream with its own buffer, so a
/// slow listener drops its oldest values instead of holding up the sender or the others. The
/// stores' wake-ups and the events relayed between processes both go out this way.
public final class Broadcast<Element: Sendable>: Sendable {
    private struct Listeners {
        var next = 0
        var all: [Int: AsyncStream<Element>.Continuation] = [:]
    }

    private let listeners = Mutex(Listeners())
    private let buffer: Int

    /// `buffer`: how many values a listener may fall behind before it loses the oldest.
    public init(buffer: Int) {
        self.buffer = buffer
    }

    /// A new listener; it goes away when its stream is dropped or cancelled.
    public func stream() -> AsyncStream<Element> {
        let (stream, continuation) = AsyncStream.makeStream(of: Element.self, bufferingPolicy: .bufferingNewest(buffer))
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

    public var hasListeners: Bool { listeners.withLock { !$0.all.isEmpty } }

    public func send(_ value: Element) {
        for listener in listeners.withLock({ Array($0.all.values) }) { listener.yield(value) }
    }
}
