import Synchronization

/// A fixture server shared by every test of the process: the first test to ask starts it (off
/// the shared threads, see ``OffPool``); the others await that same start instead of blocking on
/// a lock while it happens.
public final class StartOnce<Value: Sendable>: Sendable {
    private let task = Mutex<Task<Value, any Error>?>(nil)
    private let start: @Sendable () throws -> Value

    public init(_ start: @escaping @Sendable () throws -> Value) {
        self.start = start
    }

    public func value() async throws -> Value {
        let start = start
        let task = task.withLock { task in
            if let task { return task }
            let started = Task { try await OffPool.run(start) }
            task = started
            return started
        }
        return try await task.value
    }
}
