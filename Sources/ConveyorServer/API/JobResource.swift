import Conveyor
import Foundation

/// A job as the API shows it (DESIGN §5 "Job JSON"): payload and result as JSON, times in
/// ISO 8601 UTC, progress in percent.
struct JobResource: Encodable, Sendable {
    struct Progress: Encodable, Sendable {
        let percent: Double
        let stage: String?
        let message: String?
    }

    let id: String
    let type: String
    let queue: String
    let status: String
    let priority: String
    let payload: JSONValue
    let result: JSONValue?
    let error: JobFailure?
    let attempts: Int
    let maxAttempts: Int
    let progress: Progress
    let owner: String?
    let dedupKey: String?
    let createdAt: Date
    let scheduledAt: Date
    let startedAt: Date?
    let finishedAt: Date?
    /// How many times the job's state changed; events carry the same number.
    let sequence: Int
    /// Only on enqueue answers: `true` when an unfinished job with the same `dedupKey` was returned.
    let deduplicated: Bool?

    init(_ job: Job, deduplicated: Bool? = nil) {
        id = job.id.description
        type = job.type
        queue = job.queue
        status = job.status.rawValue
        priority = job.priority.rawValue
        payload = JSONValue(json: job.payload)
        result = job.result.map(JSONValue.init(json:))
        error = job.error
        attempts = job.attempts
        maxAttempts = job.maxAttempts
        progress = Progress(percent: job.progress.percent, stage: job.progress.stage, message: job.progress.message)
        owner = job.owner
        dedupKey = job.dedupKey
        createdAt = job.createdAt
        scheduledAt = job.scheduledAt
        startedAt = job.startedAt
        finishedAt = job.finishedAt
        sequence = job.sequence
        self.deduplicated = deduplicated
    }

    enum CodingKeys: String, CodingKey {
        case id, type, queue, status, priority, payload, result, error, attempts, maxAttempts, progress, owner, dedupKey
        case createdAt, scheduledAt, startedAt, finishedAt, sequence, deduplicated
    }

    // Absent values are `null`, not missing: clients read one shape.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(type, forKey: .type)
        try c.encode(queue, forKey: .queue)
        try c.encode(status, forKey: .status)
        try c.encode(priority, forKey: .priority)
        try c.encode(payload, forKey: .payload)
        try c.encode(result, forKey: .result)
        try c.encode(error, forKey: .error)
        try c.encode(attempts, forKey: .attempts)
        try c.encode(maxAttempts, forKey: .maxAttempts)
        try c.encode(progress, forKey: .progress)
        try c.encode(owner, forKey: .owner)
        try c.encode(dedupKey, forKey: .dedupKey)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(scheduledAt, forKey: .scheduledAt)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(finishedAt, forKey: .finishedAt)
        try c.encode(sequence, forKey: .sequence)
        try c.encodeIfPresent(deduplicated, forKey: .deduplicated)
    }
}
