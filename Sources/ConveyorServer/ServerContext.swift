public import Hummingbird
public import HummingbirdWebSocket

/// The per-request context: Hummingbird's core storage, the WebSocket upgrade slot, and the
/// identity the auth middleware found.
public struct ServerContext: RequestContext, WebSocketRequestContext {
    /// Hummingbird's per-request storage (logger, parameters, matched route).
    public var coreContext: CoreRequestContextStorage
    /// Where the `/ws` route leaves its handler for the upgrade.
    public let webSocket: WebSocketHandlerReference<ServerContext>
    /// Set by ``AuthMiddleware`` on `/api` routes.
    public var identity: Identity?

    /// A fresh context per request; no identity until ``AuthMiddleware`` sets one.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        identity = nil
    }

    /// The identity of an authenticated route; the middleware guarantees it.
    func requireIdentity() throws -> Identity {
        guard let identity else { throw APIError.unauthorized }
        return identity
    }

    func requireAdmin() throws -> Identity {
        let identity = try requireIdentity()
        guard identity.isAdmin else { throw APIError.adminOnly }
        return identity
    }
}
