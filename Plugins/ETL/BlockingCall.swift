import Dispatch
import Synchronization

/// Runs async work from one of the ETL's own threads and waits for it: the load reads and writes
/// on two threads of its own (parsing and SQLite block), and PostgreSQL's client is async. Never
/// call it from a task — it blocks the calling thread until the work ends.
enum BlockingCall {
    private final class Outcome<T: Sendable>: Sendable {
        let value = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
    }

    static func run<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) throws -> T {
        let outcome = Outcome<T>()
        Task {
            let result: Result<T, any Error>
            do { result = .success(try await operation()) } catch { result = .failure(error) }
            outcome.value.withLock { $0 = result }
            outcome.done.signal()
        }
        outcome.done.wait()
        return try outcome.value.withLock { $0! }.get()
    }
}
