public import Conveyor
public import Foundation

/// WebSocket `job:finished`: a job reached `completed`, `failed` or `cancelled` (or, on the job
/// topic, any later state), with its result or the reason it failed.
public struct JobFinishedMessage: Codable, Sendable, Hashable {
    public static let type = "job:finished"

    public var type: String = Self.type
    public var jobId: String
    public var status: JobStatus
    public var result: JSONValue?
    public var error: JobFailure?
    public var sequence: Int
    public var timestamp: Date

    public init(_ change: JobStateChange) {
        jobId = change.jobID.description
        status = change.status
        result = change.result.map(JSONValue.init(json:))
        error = change.error
        sequence = change.sequence
        timestamp = change.timestamp
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case type, jobId, status, result, error, sequence, timestamp }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(type, forKey: .type)
        try c.encode(jobId, forKey: .jobId)
        try c.encode(status, forKey: .status)
        try c.encode(result, forKey: .result)
        try c.encode(error, forKey: .error)
        try c.encode(sequence, forKey: .sequence)
        try c.encode(timestamp, forKey: .timestamp)
    }
}
