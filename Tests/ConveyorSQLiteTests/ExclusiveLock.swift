import Dispatch
import Foundation
import GRDB

/// Holds `BEGIN EXCLUSIVE` on a database from its own thread until released, as another
/// process using the file would.
final class ExclusiveLock: Sendable {
    private let locked = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)

    init(path: String) throws {
        let queue = try DatabaseQueue(path: path)
        Thread.detachNewThread { [locked, done] in
            try? queue.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN EXCLUSIVE")
                locked.signal()
                done.wait()
                try db.execute(sql: "ROLLBACK")
            }
        }
        locked.wait()
    }

    func release() { done.signal() }
}
