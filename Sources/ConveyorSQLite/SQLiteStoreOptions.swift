/// Tuning for ``SQLiteJobStore``. The defaults suit a server on one machine.
public struct SQLiteStoreOptions: Sendable, Hashable {
    /// How long a write waits for another process's transaction before giving up. Opening
    /// fails after this long when the file stays locked.
    public var busyTimeout: Duration
    /// Concurrent read connections (API and dashboard queries run beside the writer).
    public var readers: Int
    /// Page cache per connection, in bytes: the claim and stats indexes stay in memory.
    public var cacheSize: Int

    public init(busyTimeout: Duration = .seconds(5), readers: Int = 4, cacheSize: Int = 32 << 20) {
        self.busyTimeout = busyTimeout
        self.readers = readers
        self.cacheSize = cacheSize
    }
}
