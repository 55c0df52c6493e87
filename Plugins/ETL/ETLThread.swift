import Foundation

/// A thread of its own for a load's blocking work (parsing, SQLite, waiting on PostgreSQL calls).
/// Not a dispatch queue: on Linux those threads are the ones Swift's tasks run on, and two
/// blocked per job would leave the server's tasks — and the PostgreSQL calls the load itself
/// waits for — without a thread to run on.
enum ETLThread {
    static func start(_ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.name = "conveyor.etl"
        thread.stackSize = 4 << 20
        thread.start()
    }
}
