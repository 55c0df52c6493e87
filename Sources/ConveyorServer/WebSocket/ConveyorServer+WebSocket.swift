import Hummingbird
import HummingbirdWebSocket

extension ConveyorServer {
    /// `GET /ws`: a token in `?token=` authenticates at once; without one the first message
    /// must be `auth`. A bad query token gets an `unauthorized` error event and a 1008 close
    /// (browsers cannot read the status of a refused upgrade, but they can read that).
    func addWebSocketRoute(to router: Router<ServerContext>) {
        router.ws("ws") { inbound, outbound, context in
            var identity: Identity?
            if let token = context.request.uri.queryParameters["token"] {
                identity = await self.tokens.identity(of: String(token))
                if identity == nil {
                    let problem = WebSocketProblem(code: "unauthorized", message: "The token is invalid or expired")
                    try? await outbound.writeTextMessage(ServerMessage.error(problem))
                    try? await outbound.close(.policyViolation, reason: "Invalid token")
                    return
                }
            }
            await self.hub.serve(inbound: inbound, outbound: outbound, identity: identity)
        }
    }
}
