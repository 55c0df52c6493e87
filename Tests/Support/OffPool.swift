import Foundation

/// Runs blocking work — starting a child process and reading its first line, waiting for a
/// script — on a thread of its own while the test's task waits. Swift's tasks share as many
/// threads as the machine has cores (two in CI): a test blocking one of them stalls every other
/// test's timers and I/O, and enough of them at once stall the whole run.
public enum OffPool {
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }
}
