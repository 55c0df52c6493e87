import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// Headers every answer carries so a browser never guesses a content type, leaks the URL (and
/// a `#token=`) to other sites, or frames the dashboard; the dashboard also gets a
/// Content-Security-Policy allowing only its own script (by hash), its styles and this server.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = ServerContext

    /// The dashboard's policy: its one inline script by SHA-256, nothing from elsewhere.
    static let dashboardPolicy: String = {
        let html = DashboardPage.html
        var hash = ""
        if let open = html.range(of: "<script>"), let close = html.range(of: "</script>", range: open.upperBound..<html.endIndex) {
            hash = Data(SHA256.hash(data: Data(html[open.upperBound..<close.lowerBound].utf8))).base64EncodedString()
        }
        return "default-src 'none'; script-src 'sha256-\(hash)'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    }()

    private static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    private static let frameOptions = HTTPField.Name("X-Frame-Options")!

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[Self.referrerPolicy] = "no-referrer"
        response.headers[Self.frameOptions] = "DENY"
        if request.uri.path == "/" { response.headers[.contentSecurityPolicy] = Self.dashboardPolicy }
        return response
    }
}

/// `GET /ws` without `Upgrade: websocket` is a client mistake: 426 naming what to send, not an
/// empty 200.
struct UpgradeRequiredMiddleware: RouterMiddleware {
    typealias Context = ServerContext

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        if request.uri.path == "/ws", request.headers[.upgrade]?.lowercased().contains("websocket") != true {
            throw APIError(.upgradeRequired, "upgrade_required", "/ws is a WebSocket: connect with Upgrade: websocket", headers: [.upgrade: "websocket"])
        }
        return try await next(request, context)
    }
}
