import Foundation

/// Hands transformed batches from the thread that reads and transforms to the thread that
/// writes, so parsing and SQLite work on both cores at once. At most `capacity` batches wait, so
/// memory stays bounded; a writer failure reaches the reader at its next `put`.
///
/// `@unchecked Sendable`: every stored property is read and written only with `condition` locked.
final class BatchPipe: @unchecked Sendable {
    /// One batch ready to write, and what to report once it is written.
    struct Item {
        var columns: [String]
        var rows: [[ETLValue]]
        var fraction: Double?
        var message: String
    }

    private let condition = NSCondition()
    private let capacity: Int
    private var queue: [Item] = []
    private var closed = false
    private var failure: (any Error)?

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Waits for room; throws the writer's failure if it has stopped.
    func put(_ item: Item) throws {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= capacity && failure == nil { condition.wait() }
        if let failure { throw failure }
        queue.append(item)
        condition.broadcast()
    }

    /// The next batch, or `nil` once the reader has closed the pipe and nothing is left.
    func take() -> Item? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !closed && failure == nil { condition.wait() }
        guard failure == nil, !queue.isEmpty else { return nil }
        condition.broadcast()
        return queue.removeFirst()
    }

    /// No more batches will come.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Stops both sides: pending batches are dropped, `put` throws `error`.
    func fail(_ error: any Error) {
        condition.lock()
        if failure == nil { failure = error }
        queue.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    var writerFailure: (any Error)? {
        condition.lock()
        defer { condition.unlock() }
        return failure
    }
}
