import Hummingbird
import HummingbirdWebSocket

extension ConveyorServer {
    /// `GET /ws`: a token in `?token=` authenticates at once (a bad one is refused with 401
    /// before the upgrade); without one the first message must be `auth`.
    func addWebSocketRoute(to router: Router<ServerContext>) {
        router.ws("ws") { request, _ in
            if let token = request.uri.queryParameters["token"], await self.tokens.identity(of: String(token)) == nil {
                throw APIError(.unauthorized, "unauthorized", "The token is invalid or expired")
            }
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            var identity: Identity?
            if let token = context.request.uri.queryParameters["token"] { identity = await self.tokens.identity(of: String(token)) }
            await self.hub.serve(inbound: inbound, outbound: outbound, identity: identity)
        }
    }
}
