import GRDB

/// Copies the write-ahead log back into the database from its own connection, a few times a
/// second. Left to SQLite, the commit that crosses the threshold does it, with two fsyncs,
/// and the job whose claim that was waits 10–20 ms; here the writer only ever appends. The
/// writer still checkpoints by itself past a high threshold, should this fall behind.
final class SQLiteCheckpointer: Sendable {
    /// Pages in the log before the writer checkpoints by itself (about 64 MB).
    static let writerThreshold = 16_000

    private let connection: DatabaseQueue
    private let task: Task<Void, Never>

    init(path: String, options: SQLiteStoreOptions) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(options.busyTimeout.seconds)
        let connection = try DatabaseQueue(path: path, configuration: configuration)
        self.connection = connection
        task = Task.detached(priority: .utility) {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                // Passive: copies what no reader still needs, never blocks the writer or readers.
                _ = try? await connection.writeWithoutTransaction { try $0.checkpoint(.passive) }
            }
        }
    }

    deinit { task.cancel() }

    func close() throws {
        task.cancel()
        try connection.close()
    }
}
