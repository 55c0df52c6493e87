import Conveyor
import ConveyorAPI
import Foundation

/// The JSON texts the server sends (DESIGN §5, seed protocol).
enum ServerMessage {
    static func progress(_ update: JobProgressUpdate) -> String { encode(JobProgressMessage(update)) }

    static func finished(_ change: JobStateChange) -> String { encode(JobFinishedMessage(change)) }

    static func retrying(_ message: JobRetryingMessage) -> String { encode(message) }

    /// `job:finished` for a job read from the store.
    static func finished(_ job: Job) -> String {
        finished(JobStateChange(job))
    }

    static func queueStats(_ stats: QueueStatsResource) -> String { encode(Tagged(type: "queue:stats", body: stats)) }
    static func memoryStats(_ stats: MemoryBudgetStats) -> String { encode(Tagged(type: "memory:stats", body: stats)) }
    static func error(_ problem: WebSocketProblem) -> String { encode(WebSocketErrorMessage(code: problem.code, message: problem.message)) }

    static func flow(_ flow: FlowSnapshot) -> String { encode(FlowProgressMessage(flow)) }
    static func batch(_ batch: BatchSnapshot) -> String { encode(BatchProgressMessage(batch)) }

    /// `subscribed`/`unsubscribed` with the topic and the id fields it was asked with (`jobId`, …).
    static func subscribed(_ topic: String, ids: [String: String] = [:], subscribed: Bool) -> String {
        encode(ids.merging(["type": subscribed ? "subscribed" : "unsubscribed", "topic": topic]) { _, new in new })
    }

    static let authenticated = encode(["type": "authenticated"])

    private static func encode(_ value: some Encodable) -> String {
        (try? String(decoding: JSONBody.data(value), as: UTF8.self)) ?? #"{"type":"error","code":"internal_error","message":"unencodable"}"#
    }

    /// `{"type": …}` followed by the fields of `body`.
    private struct Tagged<Body: Encodable>: Encodable {
        let type: String
        let body: Body

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: AnyKey.self)
            try container.encode(type, forKey: AnyKey(stringValue: "type"))
            try body.encode(to: encoder)
        }
    }
}
