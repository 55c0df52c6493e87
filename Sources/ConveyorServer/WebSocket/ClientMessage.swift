import Conveyor
/// What a WebSocket client may send: `auth`, `subscribe` and `unsubscribe` (topics `job`,
/// `flow`, `batch`, `queue`, `memory`). Decoded by hand so every mistake gets an `error` naming the field.
struct ClientMessage: Sendable {
    enum Kind: String, CaseIterable { case auth, subscribe, unsubscribe }
    enum Topic: String, CaseIterable { case job, flow, batch, queue, memory }

    let kind: Kind
    let topic: Topic?
    let jobID: String?
    let flowID: String?
    let batchID: String?
    let token: String?

    init(parsing object: [String: Any]) throws(WebSocketProblem) {
        guard let type = object["type"] as? String else { throw .invalid("type: is required (auth, subscribe or unsubscribe)") }
        guard let kind = Kind(rawValue: type) else {
            throw .invalid("type: \(MessageText.quoted(type)) is not one of \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.kind = kind
        token = object["token"] as? String
        jobID = object["jobId"] as? String
        flowID = object["flowId"] as? String
        batchID = object["batchId"] as? String
        switch kind {
        case .auth:
            guard token != nil else { throw .invalid("token: is required with type auth") }
            topic = nil
        case .subscribe, .unsubscribe:
            guard let name = object["topic"] as? String else { throw .invalid("topic: is required (\(Topic.allCases.map(\.rawValue).joined(separator: ", ")))") }
            guard let topic = Topic(rawValue: name) else {
                throw .invalid("topic: \(MessageText.quoted(name)) is not one of \(Topic.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if topic == .job, jobID == nil { throw .invalid("jobId: is required with topic job") }
            if topic == .flow, flowID == nil { throw .invalid("flowId: is required with topic flow") }
            if topic == .batch, batchID == nil { throw .invalid("batchId: is required with topic batch") }
            self.topic = topic
        }
    }
}
