import Foundation

/// Durations as the contract writes them: "250ms", "30s", "10m", "2h", "7d".
public enum DurationText {
    /// Parses one number and a unit (ms, s, m, h, d); `nil` for anything else, a negative value
    /// or more than 100 years.
    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        for (suffix, seconds) in units where trimmed.hasSuffix(suffix) {
            let number = trimmed.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)
            // "ms" also ends in "s": only accept a pure number before the unit.
            // Up to 100 years: beyond that the milliseconds would not fit an Int64.
            guard let value = Double(number), value >= 0, value.isFinite, value * seconds <= 3.2e9 else { continue }
            return .milliseconds(Int64((value * seconds * 1000).rounded()))
        }
        return nil
    }

    /// The shortest exact form: 90s → "90s", 600s → "10m", 1.5s → "1500ms".
    public static func format(_ duration: Duration) -> String {
        let ms = duration.milliseconds
        for (unit, size) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000)] where ms >= size && ms % size == 0 {
            return "\(ms / size)\(unit)"
        }
        return "\(ms)ms"
    }
}

extension Duration {
    /// Whole milliseconds, the unit stores persist.
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// Seconds as a `Double`, for `Date` arithmetic and measurements.
    public var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
