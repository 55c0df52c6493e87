import CCurl

/// A transfer that did not complete: a code for programs, one sentence for people (with every
/// URL redacted), and whether trying again could help.
public struct CurlError: Error, Sendable, Hashable, CustomStringConvertible {
    /// snake_case, e.g. `couldnt_connect`, `operation_timedout`, `destination_refused`.
    public var code: String
    public var message: String
    /// A refused destination, a bad URL or a TLS verification failure: retrying cannot help.
    /// Connection and timeout failures are not permanent.
    public var isPermanent: Bool
    /// libcurl's own code, 0 when the error is Conveyor's.
    public var curlCode: Int
    /// The server's last reply code when it gave one (an SMTP 550 or 451, say), so callers can
    /// tell a refusal for good (5xx) from one for now (4xx).
    public var responseCode: Int?
    /// SMTP: each recipient's reply before the send failed (all refused, for instance).
    public var mailReplies: [MailRecipientReply] = []

    public init(code: String, message: String, isPermanent: Bool, curlCode: Int = 0) {
        self.code = code
        self.message = message
        self.isPermanent = isPermanent
        self.curlCode = curlCode
    }

    public var description: String { message }

    /// A libcurl failure, described with libcurl's detail when it gave one.
    init(_ result: CURLcode, detail: String, url: String) {
        let summary = String(cString: curl_easy_strerror(result))
        let reason = detail.isEmpty ? summary : detail
        self.init(
            code: Self.code(for: result), message: "\(url): \(reason)", isPermanent: !Self.isTransient(result),
            curlCode: Int(result.rawValue)
        )
    }

    private static func code(for result: CURLcode) -> String {
        switch result {
        case CURLE_COULDNT_RESOLVE_HOST: "couldnt_resolve_host"
        case CURLE_COULDNT_CONNECT: "couldnt_connect"
        case CURLE_OPERATION_TIMEDOUT: "operation_timedout"
        case CURLE_PARTIAL_FILE: "partial_file"
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING: "connection_lost"
        case CURLE_TOO_MANY_REDIRECTS: "too_many_redirects"
        case CURLE_UNSUPPORTED_PROTOCOL: "unsupported_protocol"
        case CURLE_URL_MALFORMAT: "bad_url"
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE: "tls_verification_failed"
        case CURLE_SSL_CONNECT_ERROR: "tls_connect_failed"
        case CURLE_LOGIN_DENIED: "login_denied"
        case CURLE_USE_SSL_FAILED: "tls_unavailable"
        default: "curl_error_\(result.rawValue)"
        }
    }

    private static func isTransient(_ result: CURLcode) -> Bool {
        switch result {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT,
            CURLE_PARTIAL_FILE, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_SSL_CONNECT_ERROR,
            CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_HTTP3, CURLE_AGAIN:
            true
        default:
            false
        }
    }
}
