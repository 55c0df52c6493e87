import Conveyor
import Foundation

/// The JSON texts the server sends (DESIGN §5, seed protocol).
enum ServerMessage {
    static func progress(_ update: JobProgressUpdate) -> String {
        encode(Progress(
            type: "job:progress", jobId: update.jobID.description, progress: update.progress.percent, stage: update.progress.stage,
            message: update.progress.message, sequence: update.sequence, timestamp: update.timestamp))
    }

    static func finished(_ change: JobStateChange) -> String {
        encode(Finished(
            type: "job:finished", jobId: change.jobID.description, status: change.status.rawValue,
            result: change.result.map(JSONValue.init(json:)), error: change.error, sequence: change.sequence, timestamp: change.timestamp))
    }

    /// `job:finished` for a job read from the store.
    static func finished(_ job: Job) -> String {
        finished(JobStateChange(job))
    }

    static func queueStats(_ stats: QueueStatsResource) -> String { encode(Tagged(type: "queue:stats", body: stats)) }
    static func memoryStats(_ stats: MemoryBudgetStats) -> String { encode(Tagged(type: "memory:stats", body: stats)) }
    static func error(_ problem: WebSocketProblem) -> String { encode(["type": "error", "code": problem.code, "message": problem.message]) }

    static func subscribed(_ topic: String, jobID: String?, subscribed: Bool) -> String {
        var fields = ["type": subscribed ? "subscribed" : "unsubscribed", "topic": topic]
        fields["jobId"] = jobID
        return encode(fields)
    }

    static let authenticated = encode(["type": "authenticated"])

    private static func encode(_ value: some Encodable) -> String {
        (try? String(decoding: JSONBody.data(value), as: UTF8.self)) ?? #"{"type":"error","code":"internal_error","message":"unencodable"}"#
    }

    private struct Progress: Encodable {
        let type: String
        let jobId: String
        let progress: Double
        let stage: String?
        let message: String?
        let sequence: Int
        let timestamp: Date
    }

    private struct Finished: Encodable {
        let type: String
        let jobId: String
        let status: String
        let result: JSONValue?
        let error: JobFailure?
        let sequence: Int
        let timestamp: Date
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
