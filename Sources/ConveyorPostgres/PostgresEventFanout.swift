import Conveyor
import Synchronization

/// Hands the progress reports other processes NOTIFY to every subscriber in this process (the
/// runtime, which passes them to the WebSocket). A slow subscriber loses the oldest reports,
/// never blocks the listener.
final class PostgresEventFanout: Sendable {
    private struct Subscribers {
        var next = 0
        var all: [Int: AsyncStream<JobEvent>.Continuation] = [:]
    }

    private let subscribers = Mutex(Subscribers())

    func stream() -> AsyncStream<JobEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: JobEvent.self, bufferingPolicy: .bufferingNewest(1024))
        let id = subscribers.withLock { subscribers in
            defer { subscribers.next += 1 }
            subscribers.all[subscribers.next] = continuation
            return subscribers.next
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.all.removeValue(forKey: id) }
        }
        return stream
    }

    var hasSubscribers: Bool { subscribers.withLock { !$0.all.isEmpty } }

    func emit(_ event: JobEvent) {
        for subscriber in subscribers.withLock({ Array($0.all.values) }) { subscriber.yield(event) }
    }
}
