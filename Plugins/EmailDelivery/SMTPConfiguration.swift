public import Configuration
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

    /// Reads `url`, `username`, `password`, `from` and `caFile` under `scope`. `nil` without a
    /// `url` (the `email` job is then not offered); every bad value is one problem named by its
    /// key, and the password is never part of one.
    public static func from(config: ConfigReader, scope: [String] = ["smtp"]) throws(ConfigurationProblem) -> SMTPConfiguration? {
        var settings = SettingsReader(config, scope: scope)
        guard let text = settings.text("url") else { return nil }
        var parsed: (url: String, security: Security)?
        do { parsed = try parse(text) } catch { settings.report("url", error.message) }
        var from: EmailAddress?
        if let sender = settings.text("from") {
            do { from = try EmailAddress(parsing: sender) } catch { settings.report("from", "'\(sender)' is not an email address: \(error)") }
        }
        let caFile = settings.text("caFile")
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) { settings.report("caFile", "'\(caFile)' is not a readable file") }
        let username = settings.text("username")
        let password = settings.text("password", isSecret: true)
        if password != nil && username == nil { settings.report("password", "set without a username to log in with") }
        if username != nil, parsed?.security == SMTPConfiguration.Security.none {
            settings.report("username", "a login over a connection without TLS (tls=none) would send the password in clear")
        }
        try settings.check()
        guard let parsed else { return nil }
        return SMTPConfiguration(url: parsed.url, security: parsed.security, username: username, password: password, from: from, caFile: caFile)
    }

    /// Splits `smtp[s]://host[:port][?tls=none]` into libcurl's URL and the security asked for.
    static func parse(_ text: String) throws(URLProblem) -> (url: String, security: Security) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(), let host = components.host,
            !host.isEmpty
        else { throw URLProblem(message: "not a URL such as smtp://mail.example.com:587 or smtps://mail.example.com:465") }
        guard components.user == nil, components.password == nil else {
            throw URLProblem(message: "credentials in the URL are refused; set the username and password settings")
        }
        let security: Security
        switch (scheme, components.query) {
        case ("smtps", nil): security = .implicitTLS
        case ("smtp", nil): security = .startTLS
        case ("smtp", "tls=none"): security = .none
        case ("smtp", _), ("smtps", _):
            throw URLProblem(message: "'?\(components.query ?? "")' is not understood; the only option is ?tls=none on smtp://")
        default:
            throw URLProblem(message: "scheme '\(scheme)' is not smtp or smtps")
        }
        let port = components.port ?? (scheme == "smtps" ? 465 : 587)
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return ("\(scheme)://\(hostPart):\(port)", security)
    }
}

extension SMTPConfiguration {
    /// Why an SMTP URL cannot be used.
    struct URLProblem: Error {
        let message: String
    }
}
