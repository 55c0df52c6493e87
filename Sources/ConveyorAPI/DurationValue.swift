import Conveyor
import Foundation

/// A duration as the API takes it: text ("250ms", "30s", "10m", "2h", "7d") or a number of
/// seconds. Sent as text, so what a client wrote is what the server logs and echoes.
public struct DurationValue: Codable, Sendable, Hashable {
    public var duration: Duration

    public init(_ duration: Duration) { self.duration = duration }

    /// `nil` for text that is not a duration.
    public init?(text: String) {
        guard let parsed = DurationText.parse(text) else { return nil }
        duration = parsed
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let seconds = try? c.decode(Double.self) {
            guard seconds.isFinite, seconds >= 0, seconds <= 3.2e9 else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "\(seconds) is not a duration of 0 seconds to 100 years")
            }
            duration = .milliseconds(Int64((seconds * 1000).rounded()))
            return
        }
        let text = try c.decode(String.self)
        guard let parsed = DurationText.parse(text) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "\(MessageText.quoted(text)) is not a duration such as 250ms, 30s, 10m, 2h or 7d")
        }
        duration = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(DurationText.format(duration))
    }
}
