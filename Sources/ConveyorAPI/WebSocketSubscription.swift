/// What a client sends to follow a topic: `{"type": "subscribe", "topic": "job", "jobId": …}`
/// (or `unsubscribe`; topics `job`, `queue`, `memory`).
public struct WebSocketSubscription: Codable, Sendable, Hashable {
    public var type: String
    public var topic: String
    public var jobId: String?

    public static func subscribe(job id: String) -> WebSocketSubscription { WebSocketSubscription(type: "subscribe", topic: "job", jobId: id) }

    public init(type: String, topic: String, jobId: String? = nil) {
        self.type = type
        self.topic = topic
        self.jobId = jobId
    }
}
