/// The `type` every WebSocket message carries, read first to pick the shape to decode.
public struct WebSocketMessageKind: Codable, Sendable, Hashable {
    public var type: String

    public init(type: String) { self.type = type }
}
