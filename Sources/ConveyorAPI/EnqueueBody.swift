public import Conveyor
public import Foundation

/// `POST /api/jobs` as sent: durations as text ("30s"), times as ISO 8601. Unknown fields are
/// refused by name so a typo (`"priorty"`) is not silently ignored; fields left `nil` are not
/// sent, so the handler's defaults apply.
public struct EnqueueBody: Codable, Sendable {
    public var type: String
    public var payload: JSONValue?
    public var queue: String?
    public var priority: JobPriority?
    public var delay: DurationValue?
    public var runAt: Date?
    public var maxAttempts: Int?
    public var timeout: DurationValue?
    public var dedupKey: String?
    /// Ids of jobs this one waits for (in a flow, also keys of the flow's jobs).
    public var dependsOn: [String]?
    public var onDependencyFailure: DependencyFailurePolicy?

    public init(
        type: String, payload: JSONValue? = nil, queue: String? = nil, priority: JobPriority? = nil, delay: DurationValue? = nil,
        runAt: Date? = nil, maxAttempts: Int? = nil, timeout: DurationValue? = nil, dedupKey: String? = nil, dependsOn: [String]? = nil,
        onDependencyFailure: DependencyFailurePolicy? = nil
    ) {
        self.type = type
        self.payload = payload
        self.queue = queue
        self.priority = priority
        self.delay = delay
        self.runAt = runAt
        self.maxAttempts = maxAttempts
        self.timeout = timeout
        self.dedupKey = dedupKey
        self.dependsOn = dependsOn
        self.onDependencyFailure = onDependencyFailure
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case type, payload, queue, priority, delay, runAt, maxAttempts, timeout, dedupKey, dependsOn, onDependencyFailure
    }

    public init(from decoder: any Decoder) throws {
        try self.init(from: decoder, alsoAllowing: [])
    }

    /// Decodes the fields of a job, refusing unknown ones except `extra` (which the caller reads:
    /// a flow's `key`).
    public init(from decoder: any Decoder, alsoAllowing extra: [String]) throws {
        let known = try decoder.container(keyedBy: AnyKey.self)
        if let unknown = known.allKeys.first(where: { CodingKeys(stringValue: $0.stringValue) == nil && !extra.contains($0.stringValue) }) {
            let allowed = (CodingKeys.allCases.map(\.stringValue) + extra).joined(separator: ", ")
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
        dependsOn = try c.decodeIfPresent([String].self, forKey: .dependsOn)
        if let text = try c.decodeIfPresent(String.self, forKey: .onDependencyFailure) {
            guard let policy = DependencyFailurePolicy(rawValue: text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .onDependencyFailure, in: c, debugDescription: "\(MessageText.quoted(text)) is not one of cancel, run")
            }
            onDependencyFailure = policy
        } else {
            onDependencyFailure = nil
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(type, forKey: .type)
        try c.encodeIfPresent(payload, forKey: .payload)
        try c.encodeIfPresent(queue, forKey: .queue)
        try c.encodeIfPresent(priority, forKey: .priority)
        try c.encodeIfPresent(delay, forKey: .delay)
        try c.encodeIfPresent(runAt, forKey: .runAt)
        try c.encodeIfPresent(maxAttempts, forKey: .maxAttempts)
        try c.encodeIfPresent(timeout, forKey: .timeout)
        try c.encodeIfPresent(dedupKey, forKey: .dedupKey)
        try c.encodeIfPresent(dependsOn, forKey: .dependsOn)
        try c.encodeIfPresent(onDependencyFailure, forKey: .onDependencyFailure)
    }
}
