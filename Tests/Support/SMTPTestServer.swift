public import Foundation

/// The SMTP server email tests send to (`Tests/Fixtures/smtp/smtp_server.py`, Debian's aiosmtpd):
/// a plain port, a STARTTLS port with login, an implicit-TLS port with login, and every message
/// it accepted as Python's email parser read it.
public final class SMTPTestServer: Sendable {
    /// One accepted message.
    public struct Message: Decodable, Sendable {
        public var mailFrom: String
        public var recipients: [String]
        public var tls: Bool
        public var authenticated: Bool
        /// Header names and decoded values, in order.
        public var headers: [[String]]
        public var contentType: String
        public var text: String?
        public var html: String?
        /// The message as it arrived.
        public var raw: String

        /// The first header with this name (case-insensitive), decoded.
        public func header(_ name: String) -> String? {
            headers.first { $0.first?.lowercased() == name.lowercased() }.flatMap { $0.count > 1 ? $0[1] : nil }
        }
    }

    /// The login the TLS ports accept.
    public static let username = "conveyor"
    public static let password = "s3cret-smtp-pw"

    public let spool: URL
    private let server: ScriptServer
    private static let shared = StartOnce { try SMTPTestServer() }

    /// One server per test process.
    public static func start() async throws -> SMTPTestServer {
        try await shared.value()
    }

    private init() throws {
        spool = FileManager.default.temporaryDirectory.appendingPathComponent("conveyor-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: spool, withIntermediateDirectories: true)
        server = try ScriptServer(
            script: "smtp/smtp_server.py", arguments: ["--spool", spool.path, "--password", Self.password], python: "/usr/bin/python3")
    }

    public var plainURL: String { "smtp://127.0.0.1:\(server.ports[0])?tls=none" }
    public var startTLSURL: String { "smtp://127.0.0.1:\(server.ports[1])" }
    /// The STARTTLS port without asking for TLS to be optional: a client that requires STARTTLS
    /// and talks to the plain port sees it is not offered.
    public var plainPortRequiringTLS: String { "smtp://127.0.0.1:\(server.ports[0])" }
    public var implicitTLSURL: String { "smtps://127.0.0.1:\(server.ports[2])" }
    /// The self-signed certificate the TLS ports present (for `localhost` and `127.0.0.1`).
    public var certificate: String { spool.appendingPathComponent("cert.pem").path }

    /// Every message accepted so far whose envelope includes `recipient`.
    public func messages(to recipient: String) throws -> [Message] {
        let files = try FileManager.default.contentsOfDirectory(atPath: spool.path).filter { $0.hasSuffix(".json") }.sorted()
        return try files.map { try JSONDecoder().decode(Message.self, from: Data(contentsOf: spool.appendingPathComponent($0))) }
            .filter { $0.recipients.contains(recipient) }
    }
}
