import Conveyor
import Foundation

/// `POST /api/jobs` as sent: durations as text ("30s"), times as ISO 8601. Unknown fields are
/// refused by name so a typo (`"priorty"`) is not silently ignored.
struct EnqueueBody: Decodable, Sendable {
    let type: String
    let payload: JSONValue?
    let queue: String?
    let priority: JobPriority?
    let delay: DurationValue?
    let runAt: Date?
    let maxAttempts: Int?
    let timeout: DurationValue?
    let dedupKey: String?

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case type, payload, queue, priority, delay, runAt, maxAttempts, timeout, dedupKey
    }

    init(from decoder: any Decoder) throws {
        let known = try decoder.container(keyedBy: AnyKey.self)
        if let unknown = known.allKeys.first(where: { CodingKeys(stringValue: $0.stringValue) == nil }) {
            let allowed = CodingKeys.allCases.map(\.stringValue).joined(separator: ", ")
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath + [unknown], debugDescription: "is not a known field (allowed: \(allowed))"))
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decode(String.self, forKey: .type)
        payload = try c.decodeIfPresent(JSONValue.self, forKey: .payload)
        queue = try c.decodeIfPresent(String.self, forKey: .queue)
        if let text = try c.decodeIfPresent(String.self, forKey: .priority) {
            guard let priority = JobPriority(rawValue: text) else {
                throw DecodingError.dataCorruptedError(forKey: .priority, in: c, debugDescription: "\(MessageText.quoted(text)) is not one of high, normal, low")
            }
            self.priority = priority
        } else {
            priority = nil
        }
        delay = try c.decodeIfPresent(DurationValue.self, forKey: .delay)
        runAt = try c.decodeIfPresent(Date.self, forKey: .runAt)
        switch try c.decodeIfPresent(JSONValue.self, forKey: .maxAttempts) {
        case nil, .null?: maxAttempts = nil
        case .integer(let number)? where Int(exactly: number) != nil: maxAttempts = Int(number)
        case .number(let number)? where number.rounded() == number && abs(number) < 1e9: maxAttempts = Int(number)
        default:
            throw DecodingError.dataCorruptedError(forKey: .maxAttempts, in: c, debugDescription: "expected a whole number such as 3")
        }
        timeout = try c.decodeIfPresent(DurationValue.self, forKey: .timeout)
        dedupKey = try c.decodeIfPresent(String.self, forKey: .dedupKey)
    }

    /// The runtime request, owned by `owner`.
    func request(owner: String) throws -> JobRequest {
        let payloadData = try JSONBody.data(payload ?? .object([:]))
        return JobRequest(
            type: type, payload: payloadData,
            options: EnqueueOptions(
                queue: queue, priority: priority, delay: delay?.duration, runAt: runAt, maxAttempts: maxAttempts,
                timeout: timeout?.duration, dedupKey: dedupKey, owner: owner))
    }
}
