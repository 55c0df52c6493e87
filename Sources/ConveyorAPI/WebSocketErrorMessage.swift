/// WebSocket `error`: a message the server could not take (bad JSON, an unknown topic, a job
/// the token may not see), with a code and a sentence naming the field.
public struct WebSocketErrorMessage: Codable, Sendable, Hashable {
    public static let type = "error"

    public var type: String = Self.type
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}
