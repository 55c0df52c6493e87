public import Conveyor
import Foundation

/// Where and how the `email` job sends: the server, its TLS, the login, the default sender.
///
/// `SMTP_URL` is `smtp://host:587` (STARTTLS required — a server that does not offer it is
/// refused, so nothing goes out in clear by accident), `smtps://host:465` (TLS from the first
/// byte), or `smtp://host:25?tls=none` when clear text is explicitly wanted (a local relay).
public struct SMTPConfiguration: Sendable {
    /// How the connection is protected.
    public enum Security: String, Sendable {
        case startTLS, implicitTLS, none
    }

    /// `smtp://host:port` or `smtps://host:port`, as libcurl takes it.
    public var url: String
    public var security: Security
    public var username: String?
    /// Never printed: `description` and errors leave it out.
    public var password: String?
    /// The sender when a payload has no `from` (`SMTP_FROM`).
    public var from: EmailAddress?
    /// A PEM file of certificates to trust instead of the system's (`SMTP_CA_FILE`).
    public var caFile: String?
    public var connectTimeout: Duration
    /// A server silent this long is given up on (retryably).
    public var silenceTimeout: Duration

    public init(
        url: String, security: Security, username: String? = nil, password: String? = nil, from: EmailAddress? = nil,
        caFile: String? = nil, connectTimeout: Duration = .seconds(15), silenceTimeout: Duration = .seconds(60)
    ) {
        self.url = url
        self.security = security
        self.username = username
        self.password = password
        self.from = from
        self.caFile = caFile
        self.connectTimeout = connectTimeout
        self.silenceTimeout = silenceTimeout
    }

    /// Reads `SMTP_URL`, `SMTP_USERNAME`, `SMTP_PASSWORD`, `SMTP_FROM` and `SMTP_CA_FILE`. `nil`
    /// without `SMTP_URL` (the `email` job is then not offered); every bad value is one line of the
    /// thrown problem, and the password is never part of one.
    public static func fromEnvironment(_ environment: [String: String]) throws(ConfigurationProblem) -> SMTPConfiguration? {
        guard let text = environment["SMTP_URL"], !text.isEmpty else { return nil }
        var problems: [String] = []
        var parsed: (url: String, security: Security)?
        do { parsed = try parse(text) } catch { problems.append("SMTP_URL: \(error)") }
        var from: EmailAddress?
        if let sender = environment["SMTP_FROM"], !sender.isEmpty {
            do { from = try EmailAddress(parsing: sender) } catch { problems.append("SMTP_FROM: '\(sender)' is not an email address: \(error)") }
        }
        let caFile = environment["SMTP_CA_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) { problems.append("SMTP_CA_FILE: '\(caFile)' is not a readable file") }
        let username = environment["SMTP_USERNAME"].flatMap { $0.isEmpty ? nil : $0 }
        let password = environment["SMTP_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        if password != nil && username == nil { problems.append("SMTP_PASSWORD: set, but SMTP_USERNAME is not") }
        if username != nil, parsed?.security == SMTPConfiguration.Security.none {
            problems.append("SMTP_USERNAME: a login over a connection without TLS (tls=none) would send the password in clear")
        }
        guard problems.isEmpty, let parsed else { throw ConfigurationProblem(lines: problems) }
        return SMTPConfiguration(url: parsed.url, security: parsed.security, username: username, password: password, from: from, caFile: caFile)
    }

    /// Splits `smtp[s]://host[:port][?tls=none]` into libcurl's URL and the security asked for.
    static func parse(_ text: String) throws(ConfigurationProblem) -> (url: String, security: Security) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(), let host = components.host,
            !host.isEmpty
        else { throw ConfigurationProblem(line: "not a URL such as smtp://mail.example.com:587 or smtps://mail.example.com:465") }
        guard components.user == nil, components.password == nil else {
            throw ConfigurationProblem(line: "credentials in the URL are refused; use SMTP_USERNAME and SMTP_PASSWORD")
        }
        let security: Security
        switch (scheme, components.query) {
        case ("smtps", nil): security = .implicitTLS
        case ("smtp", nil): security = .startTLS
        case ("smtp", "tls=none"): security = .none
        case ("smtp", _), ("smtps", _):
            throw ConfigurationProblem(line: "'?\(components.query ?? "")' is not understood; the only option is ?tls=none on smtp://")
        default:
            throw ConfigurationProblem(line: "scheme '\(scheme)' is not smtp or smtps")
        }
        let port = components.port ?? (scheme == "smtps" ? 465 : 587)
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return ("\(scheme)://\(hostPart):\(port)", security)
    }
}
