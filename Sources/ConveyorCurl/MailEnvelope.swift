/// What an SMTP transfer sends: the envelope addresses, the finished RFC 5322 message, and how
/// to log in. The password is never part of any description or error.
public struct MailEnvelope: Sendable {
    public var from: String
    public var recipients: [String]
    public var message: [UInt8]
    public var username: String?
    public var password: String?
    /// `smtp://` URLs must upgrade with STARTTLS unless this is false (a local relay, asked for
    /// explicitly); `smtps://` is TLS from the first byte.
    public var requiresTLS: Bool

    public init(from: String, recipients: [String], message: [UInt8], username: String? = nil, password: String? = nil, requiresTLS: Bool = true) {
        self.from = from
        self.recipients = recipients
        self.message = message
        self.username = username
        self.password = password
        self.requiresTLS = requiresTLS
    }
}
