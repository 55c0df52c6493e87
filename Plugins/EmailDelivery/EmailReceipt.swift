/// What the `email` job returns: the message's id and who the server took it for.
public struct EmailReceipt: Codable, Sendable, Hashable {
    /// One recipient the server refused, with its reply.
    public struct Refusal: Codable, Sendable, Hashable {
        public var address: String
        /// The SMTP reply code: 4xx refused for now, 5xx for good.
        public var code: Int
        public var reason: String

        public init(address: String, code: Int, reason: String) {
            self.address = address
            self.code = code
            self.reason = reason
        }
    }

    /// The `Message-ID` header's value, e.g. `<0192…@example.com>`.
    public var messageId: String
    /// Envelope addresses the server accepted.
    public var accepted: [String]
    /// Those it refused; the message still went to the accepted ones.
    public var rejected: [Refusal]
}
