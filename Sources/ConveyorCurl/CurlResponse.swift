/// What came back. A 404 or 500 is a response, not an error: transport errors are thrown,
/// HTTP statuses are the caller's to judge.
public struct CurlResponse: Sendable {
    /// HTTP status of the last response (after redirects), or the last SMTP reply code.
    public var status: Int
    /// Headers of the last response, in order; names as sent.
    public var headers: [(name: String, value: String)]
    /// The body, when no sink took it (capped by `CurlRequest.maxCollectedBody`).
    public var body: [UInt8]
    /// Body bytes received.
    public var bytesReceived: Int
    /// Redirects followed.
    public var redirects: Int
    /// SMTP: each recipient's reply, in the order sent.
    public var mailReplies: [MailRecipientReply] = []

    /// The first header with this name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// True for 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// The start of a response body, given to a sink before its first bytes.
public struct CurlResponseHead: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    /// From Content-Length; `nil` when the server did not say (chunked, or closed-delimited).
    public var expectedLength: Int?

    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}
