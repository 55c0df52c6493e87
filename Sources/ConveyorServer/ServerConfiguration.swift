/// How the server listens and guards itself. Defaults follow DESIGN §7.
public struct ServerConfiguration: Sendable {
    /// The address to bind; 127.0.0.1 by default so nothing is exposed by accident.
    public var host: String
    /// 0 picks a free port (tests); the bound one is reported by `onServerRunning`.
    public var port: Int
    /// Requests with a larger body get 413.
    public var maxBodySize: Int
    /// Idle WebSocket connections are pinged this often; one that misses a pong is dropped.
    public var webSocketPingInterval: Duration
    /// Requests per second each user may make to `/api` (a burst of twice that is allowed);
    /// beyond it → 429 with `Retry-After`. `nil`: no limit.
    public var rateLimitPerSecond: Int?
    /// Job types only admins may enqueue (setting `adminOnlyTypes`). `etl` by default: it
    /// runs database queries and file access on the operator's machine, which an ordinary user
    /// must not get just because the type is loaded.
    public var adminOnlyTypes: Set<String>
    /// Time limits per request phase, the largest head and the most open connections.
    public var http: HTTPLimits

    /// The types admin-only unless configured otherwise.
    public static let defaultAdminOnlyTypes: Set<String> = ["etl"]

    /// The defaults of DESIGN §7 unless given.
    public init(
        host: String = "127.0.0.1", port: Int = 8080, maxBodySize: Int = 1 << 20, webSocketPingInterval: Duration = .seconds(30),
        rateLimitPerSecond: Int? = nil, adminOnlyTypes: Set<String> = ServerConfiguration.defaultAdminOnlyTypes, http: HTTPLimits = HTTPLimits()
    ) {
        self.http = http
        self.host = host
        self.port = port
        self.maxBodySize = maxBodySize
        self.webSocketPingInterval = webSocketPingInterval
        self.rateLimitPerSecond = rateLimitPerSecond
        self.adminOnlyTypes = adminOnlyTypes
    }

    /// One line per value out of range; empty when the configuration can be used.
    public var problems: [String] {
        var problems: [String] = []
        if !(0...65_535).contains(port) { problems.append("port: \(port) is out of range 0…65535") }
        if host.isEmpty { problems.append("host: must not be empty") }
        if !(1_024...(64 << 20)).contains(maxBodySize) { problems.append("maxBodySize: \(maxBodySize) is out of range 1KiB…64MiB") }
        if let rate = rateLimitPerSecond, !(1...1_000_000).contains(rate) {
            problems.append("rateLimit: \(rate) is out of range 1…1000000 requests per second")
        }
        return problems + http.problems
    }
}
