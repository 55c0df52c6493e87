/// What a client sends to follow a topic: `{"type": "subscribe", "topic": "job", "jobId": …}`
/// (or `unsubscribe`; topics `job`, `flow` with `flowId`, `batch` with `batchId`, `queue`, `memory`).
public struct WebSocketSubscription: Codable, Sendable, Hashable {
    public var type: String
    public var topic: String
    public var jobId: String?
    public var flowId: String?
    public var batchId: String?

    public static func subscribe(job id: String) -> WebSocketSubscription { WebSocketSubscription(type: "subscribe", topic: "job", jobId: id) }
    public static func subscribe(flow id: String) -> WebSocketSubscription { WebSocketSubscription(type: "subscribe", topic: "flow", flowId: id) }
    public static func subscribe(batch id: String) -> WebSocketSubscription { WebSocketSubscription(type: "subscribe", topic: "batch", batchId: id) }

    public init(type: String, topic: String, jobId: String? = nil, flowId: String? = nil, batchId: String? = nil) {
        self.type = type
        self.topic = topic
        self.jobId = jobId
        self.flowId = flowId
        self.batchId = batchId
    }
}
