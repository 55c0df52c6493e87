/// Why a client message was refused; sent back as `{"type":"error","code","message"}` and the
/// connection stays open.
struct WebSocketProblem: Error, Sendable {
    let code: String
    let message: String

    static func invalid(_ message: String) -> WebSocketProblem { WebSocketProblem(code: "invalid_message", message: message) }
}
