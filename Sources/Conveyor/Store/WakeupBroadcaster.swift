/// Fans "work may be ready" out to every listener of a store in this process. Each listener
/// holds at most one pending signal, so a burst of enqueues costs a waiting worker one wake-up.
public final class WakeupBroadcaster: Sendable {
    private let broadcast = Broadcast<Void>(buffer: 1)

    public init() {}

    /// A new listener; it goes away when its stream is dropped or cancelled.
    public func stream() -> AsyncStream<Void> {
        broadcast.stream()
    }

    public func signal() {
        broadcast.send(())
    }
}
