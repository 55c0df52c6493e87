import Conveyor
import Foundation

/// Where a ``PostgresJobStore`` connects and how, parsed from a `postgres://` URL:
///
///     postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=disable&notify=off&connections=8
///
/// `sslmode` is `disable`, `prefer` (the default, as with libpq), `require` (encrypted, server
/// not verified) or `verify-full`. `notify=off` turns LISTEN/NOTIFY off for connection poolers in
/// transaction mode (PgBouncer), which do not deliver notifications; workers then poll.
/// `connections` caps the pool (default 8). The password is kept out of `description`, so the
/// options can be logged and put in errors.
public struct PostgresStoreOptions: Sendable, Hashable, CustomStringConvertible {
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        case disable, prefer, require
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode
    /// Wake-ups through LISTEN/NOTIFY; off means polling only.
    public var notifications: Bool
    /// Most connections this process opens (one more is held for LISTEN).
    public var connections: Int

    public init(
        host: String = "localhost", port: Int = 5432, username: String, password: String? = nil, database: String,
        tls: TLSMode = .prefer, notifications: Bool = true, connections: Int = 8
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
        self.notifications = notifications
        self.connections = connections
    }

    /// Parses a `postgres://` or `postgresql://` URL. Throws `invalidConfiguration` naming the part
    /// that is wrong; the message never contains the password.
    public init(url text: String) throws {
        func problem(_ detail: String) -> ConveyorError {
            ConveyorError(.invalidConfiguration, "store: \(detail)")
        }
        guard let components = URLComponents(string: text), let scheme = components.scheme,
              scheme == "postgres" || scheme == "postgresql"
        else {
            throw problem("'\(Self.redacted(text))' is not a postgres:// URL (postgres://USER:PASSWORD@HOST:PORT/DATABASE)")
        }
        guard let host = components.host, !host.isEmpty else { throw problem("the postgres URL needs a host") }
        guard let user = components.user, !user.isEmpty else { throw problem("the postgres URL needs a user name (postgres://USER@HOST/DB)") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else { throw problem("the postgres URL needs a database name as its path (…/DATABASE)") }
        if let port = components.port, !(1...65535).contains(port) { throw problem("port \(port) is out of range 1…65535") }
        self.init(
            host: host, port: components.port ?? 5432, username: user.removingPercentEncoding ?? user,
            password: components.password.map { $0.removingPercentEncoding ?? $0 }, database: database)
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "sslmode":
                guard let mode = TLSMode(rawValue: value) else {
                    throw problem("sslmode '\(value)' is not one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                tls = mode
            case "notify":
                switch value {
                case "on", "true", "1": notifications = true
                case "off", "false", "0": notifications = false
                default: throw problem("notify '\(value)' must be on or off")
                }
            case "connections":
                guard let n = Int(value), (1...200).contains(n) else { throw problem("connections '\(value)' is out of range 1…200") }
                connections = n
            default:
                throw problem("unknown postgres URL parameter '\(item.name)' (known: sslmode, notify, connections)")
            }
        }
    }

    /// Whether `text` is meant as a PostgreSQL URL (`postgres://` or `postgresql://`), before
    /// parsing it — for places that accept several kinds of store.
    public static func isPostgresURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// The URL with the password replaced by `***`.
    public var description: String {
        let credentials = password == nil ? username : "\(username):***"
        return "postgres://\(credentials)@\(host):\(port)/\(database)"
    }

    /// `text` with anything between `:` and `@` of the authority masked, for messages about
    /// URLs that did not even parse.
    public static func redacted(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@"), let scheme = text.range(of: "://"), scheme.upperBound < at,
              let colon = text[scheme.upperBound..<at].firstIndex(of: ":")
        else { return text }
        return text[..<text.index(after: colon)] + "***" + text[at...]
    }
}
