import Hummingbird
import HummingbirdWebSocket

extension ConveyorServer {
    /// `GET /ws`: a token in `?token=` authenticates at once; without one the first message
    /// must be `auth`. A bad query token gets an `unauthorized` error event and a 1008 close
    /// (browsers cannot read the status of a refused upgrade, but they can read that).
    func addWebSocketRoute(to router: some RouterMethods<ServerContext>) {
        router.ws("ws") { inbound, outbound, context in
            var identity: Identity?
            if let token = context.request.uri.queryParameters["token"] {
                do throws(TokenRejection) {
                    identity = try await self.tokens.verify(String(token))
                } catch {
                    try? await outbound.writeTextMessage(ServerMessage.error(WebSocketProblem(code: "unauthorized", message: error.description)))
                    try? await outbound.close(.policyViolation, reason: "Invalid token")
                    return
                }
            }
            await self.hub.serve(inbound: inbound, outbound: outbound, identity: identity)
        }
    }
}
