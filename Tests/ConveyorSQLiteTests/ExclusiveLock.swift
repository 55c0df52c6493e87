import Dispatch
import Foundation
import GRDB
import Synchronization

/// Holds `BEGIN EXCLUSIVE` on a database from its own thread until released, as another
/// process using the file would.
final class ExclusiveLock: Sendable {
    private let locked = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private let failure = Mutex<(any Error)?>(nil)

    /// Returns once the lock is held; throws why it could not be taken.
    init(path: String) throws {
        let queue = try DatabaseQueue(path: path)
        Thread.detachNewThread { [self] in
            do {
                try queue.writeWithoutTransaction { db in
                    try db.execute(sql: "BEGIN EXCLUSIVE")
                    self.locked.signal()
                    self.done.wait()
                    try db.execute(sql: "ROLLBACK")
                }
            } catch {
                self.failure.withLock { $0 = error }
                self.locked.signal()
            }
        }
        locked.wait()
        if let error = failure.withLock({ $0 }) { throw error }
    }

    func release() { done.signal() }
}
