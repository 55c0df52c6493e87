import Conveyor

/// One transfer: an HTTP(S) request or an SMTP send, with the limits every transfer needs.
///
/// The defaults are the safe ones: TLS verification on, a connect timeout, a low-speed abort
/// instead of a fixed total timeout (a large video on a slow link is fine, a stalled one is not),
/// a redirect limit, and only the protocols the request is for. Proxy variables
/// (`https_proxy`, `no_proxy`, …) are honoured by libcurl itself.
public struct CurlRequest: Sendable {
    /// What goes up with the request.
    public enum Body: Sendable {
        case none
        /// A small body sent as is, e.g. JSON.
        case bytes([UInt8], contentType: String)
        /// `multipart/form-data`, file parts streamed from memory.
        case multipart([MultipartPart])
    }

    public var url: String
    /// `GET` unless a body is given (then `POST`); set for anything else.
    public var method: String?
    public var headers: [(name: String, value: String)] = []
    public var body: Body = .none
    /// Strings that must never be shown (a token in the URL path, say); replaced by `***` in
    /// every error and description.
    public var secrets: [String] = []
    /// Which addresses may be connected to, checked on every connection, redirects included.
    public var destinations: DestinationPolicy = .any
    /// Connection setup limit (DNS, TCP, TLS).
    public var connectTimeout: Duration = .seconds(15)
    /// The transfer is aborted when slower than `lowSpeedLimit` bytes/s for `lowSpeedTime`.
    public var lowSpeedLimit = 1024
    public var lowSpeedTime: Duration = .seconds(30)
    /// A limit for the whole transfer; `nil` for none (the low-speed abort still applies).
    public var totalTimeout: Duration?
    /// 0 disables redirects.
    public var maxRedirects = 5
    /// Bytes of response body kept when no sink is given (API answers, error pages).
    public var maxCollectedBody = 1 << 20
    /// A PEM bundle to trust instead of the system's (a test's self-signed certificate).
    public var caFile: String?
    /// Called from the transfer thread with byte counts; keep it cheap.
    public var onProgress: (@Sendable (CurlProgress) -> Void)?
    /// SMTP only: the envelope and the message to send.
    public var mail: MailEnvelope?

    public init(url: String) {
        self.url = url
    }

    /// The URL as it may be shown: no userinfo, no query values, no secrets.
    public var redactedURL: String { URLRedaction.redact(url, secrets: secrets) }
}
