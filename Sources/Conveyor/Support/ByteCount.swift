import Foundation

/// Byte sizes as people read and write them: "50MB" (10^6), "200MiB" (2^20), or plain bytes.
public enum ByteCount {
    private static let units: [(suffix: String, factor: Int)] = [
        ("kib", 1 << 10), ("mib", 1 << 20), ("gib", 1 << 30),
        ("kb", 1_000), ("mb", 1_000_000), ("gb", 1_000_000_000), ("b", 1),
    ]

    /// Parses "50MB", "200MiB", "1.5 GB" or "1048576"; `nil` for anything else or a negative size.
    public static func parse(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        for (suffix, factor) in units where trimmed.hasSuffix(suffix) {
            let number = trimmed.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)
            guard let value = Double(number), value >= 0, value * Double(factor) < Double(Int.max) else { return nil }
            return Int((value * Double(factor)).rounded())
        }
        guard let value = Int(trimmed), value >= 0 else { return nil }
        return value
    }

    /// "73.4 MB", "50 MB", "512 B": decimal units, one decimal only when it says something.
    public static func format(_ bytes: Int) -> String {
        let steps: [(String, Double)] = [("GB", 1e9), ("MB", 1e6), ("kB", 1e3)]
        for (unit, factor) in steps where Double(abs(bytes)) >= factor {
            let value = (Double(bytes) / factor * 10).rounded() / 10
            let text = value == value.rounded() ? String(Int(value)) : String(value)
            return "\(text) \(unit)"
        }
        return "\(bytes) B"
    }
}
