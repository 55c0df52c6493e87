public import Conveyor
public import Foundation

/// WebSocket `job:progress`: a running job's stage, percent and message, pushed as it reports
/// them. `sequence` is the job's state count when it ran, so progress of an earlier attempt can
/// be told apart.
public struct JobProgressMessage: Codable, Sendable, Hashable {
    public static let type = "job:progress"

    public var type: String = Self.type
    public var jobId: String
    public var progress: Double
    public var stage: String?
    public var message: String?
    public var sequence: Int
    public var timestamp: Date

    public init(_ update: JobProgressUpdate) {
        jobId = update.jobID.description
        progress = update.progress.percent
        stage = update.progress.stage
        message = update.progress.message
        sequence = update.sequence
        timestamp = update.timestamp
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case type, jobId, progress, stage, message, sequence, timestamp }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(type, forKey: .type)
        try c.encode(jobId, forKey: .jobId)
        try c.encode(progress, forKey: .progress)
        try c.encode(stage, forKey: .stage)
        try c.encode(message, forKey: .message)
        try c.encode(sequence, forKey: .sequence)
        try c.encode(timestamp, forKey: .timestamp)
    }
}
