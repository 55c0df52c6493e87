/// The SMTP server's answer to one `RCPT TO`: which recipients it took and which it refused, so
/// a message sent to several people can say who will get it.
public struct MailRecipientReply: Sendable, Hashable {
    /// The envelope address, without angle brackets.
    public var address: String
    /// The reply code: 250 accepted; 4xx refused for now; 5xx refused for good.
    public var code: Int
    /// The reply text, e.g. `5.1.1 mailbox unavailable`.
    public var text: String

    public init(address: String, code: Int, text: String) {
        self.address = address
        self.code = code
        self.text = text
    }

    public var isAccepted: Bool { (200..<300).contains(code) }
}
