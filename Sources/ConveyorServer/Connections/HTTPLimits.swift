import Conveyor

/// How long a client may take over each part of a request, how large a head may be, and how
/// many connections the server holds at once (settings `httpHeaderTimeout`, `httpBodyTimeout`,
/// `httpIdleTimeout`, `maxConnections`).
public struct HTTPLimits: Sendable, Hashable {
    /// From a head's first byte to its last (10s).
    public var headerTimeout: Duration
    /// From a head to the end of its body (30s).
    public var bodyTimeout: Duration
    /// A connection with no request in flight (60s).
    public var idleTimeout: Duration
    /// The largest request head; larger ones get 431.
    public var maxHeaderBytes: Int
    /// Open connections (WebSockets included); one more is answered 503 and closed
    /// (4096). Keep it below the process's file descriptor limit
    /// so the store, downloads and files always have descriptors left.
    public var maxConnections: Int

    public init(
        headerTimeout: Duration = .seconds(10), bodyTimeout: Duration = .seconds(30), idleTimeout: Duration = .seconds(60),
        maxHeaderBytes: Int = 64 << 10, maxConnections: Int = 4096
    ) {
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.maxHeaderBytes = maxHeaderBytes
        self.maxConnections = maxConnections
    }

    /// One line per value out of range.
    var problems: [String] {
        var problems: [String] = []
        for (name, value) in [("Header", headerTimeout), ("Body", bodyTimeout), ("Idle", idleTimeout)] where value < .milliseconds(100) || value > .seconds(3600) {
            problems.append("http\(name)Timeout: \(DurationText.format(value)) is out of range 100ms…1h")
        }
        if !(1...1_000_000).contains(maxConnections) { problems.append("maxConnections: \(maxConnections) is out of range 1…1000000") }
        if !(1_024...(1 << 20)).contains(maxHeaderBytes) { problems.append("maxHeaderBytes: \(maxHeaderBytes) is out of range 1KiB…1MiB") }
        return problems
    }
}
