public import Foundation

/// One attempt that ended without completing: which it was, the worker that ran it, when, and
/// why. A job keeps every one since it was enqueued (or last retried by a user), so an operator
/// sees the whole story, not just the last error: attempt 1 timed out on one machine, attempt 2
/// lost its worker, attempt 3 failed for good.
public struct AttemptFailure: Sendable, Codable, Hashable {
    /// 1 for the first attempt; attempts given back (run again later) are not counted.
    public var attempt: Int
    /// The worker that ran it (``ClaimRequest/workerID``).
    public var worker: String
    public var startedAt: Date?
    public var endedAt: Date
    public var error: JobFailure

    public init(attempt: Int, worker: String, startedAt: Date?, endedAt: Date, error: JobFailure) {
        self.attempt = attempt
        self.worker = worker
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.error = error
    }

    private enum CodingKeys: String, CodingKey {
        case attempt, worker, startedAt, endedAt, error
    }

    /// Writes every field, `startedAt` as `null` when unknown, so readers see one shape.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(attempt, forKey: .attempt)
        try container.encode(worker, forKey: .worker)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encode(endedAt, forKey: .endedAt)
        try container.encode(error, forKey: .error)
    }

    /// The failure of `job`'s current attempt, ended at `now` for `error`.
    init(endingAttemptOf job: Job, worker: String, at now: Date, error: JobFailure) {
        self.init(attempt: job.attempts, worker: worker, startedAt: job.startedAt, endedAt: now, error: error)
    }
}

extension AttemptFailure {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()

    /// How SQL stores keep a job's failures: a JSON array, times in seconds since 1970 (`nil` for
    /// none, so the common job that never failed stores nothing).
    public static func stored(_ failures: [AttemptFailure]) -> String? {
        guard !failures.isEmpty, let data = try? encoder.encode(failures) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// The failures ``stored(_:)`` wrote. Throws `.storeUnavailable` naming the column for text
    /// that is not such an array.
    public static func stored(_ text: String?, column: String) throws -> [AttemptFailure] {
        guard let text else { return [] }
        do {
            return try decoder.decode([AttemptFailure].self, from: Data(text.utf8))
        } catch {
            throw ConveyorError(.storeUnavailable, "\(column): not a list of attempt failures (\(error.localizedDescription))")
        }
    }

    /// The part of a failure a worker knows when it reports the outcome (worker, end, error) as
    /// one JSON object; the SQL stores add `attempt` and `startedAt` from the row in the same
    /// statement, where they are certain.
    public static func storedEntry(worker: String, endedAt: Date, error: JobFailure) -> String {
        struct Entry: Encodable { var worker: String, endedAt: Date, error: JobFailure }
        let data = (try? encoder.encode(Entry(worker: worker, endedAt: endedAt, error: error))) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
