/// How values a user sent appear in error messages: quoted and cut, so a 100 KB `type` or URL
/// is not echoed back whole (in an HTTP answer, a log line or a stored job error).
public enum MessageText {
    /// The most characters of one echoed value.
    public static let defaultLimit = 120

    /// `text` cut to `limit` characters, with how much was left out.
    public static func cut(_ text: String, limit: Int = defaultLimit) -> String {
        guard text.count > limit else { return text }
        return String(text.prefix(limit)) + "… (\(text.utf8.count) bytes)"
    }

    /// `text` cut and in single quotes, with control characters shown escaped.
    public static func quoted(_ text: String, limit: Int = defaultLimit) -> String {
        let visible = cut(text, limit: limit).unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
        }.joined()
        return "'\(visible)'"
    }

    /// A field name as it appears in a path (`payload.captoin`): as sent when it is a plain
    /// identifier, quoted and cut otherwise.
    public static func name(_ text: String) -> String {
        let plain = !text.isEmpty && text.count <= 64 && text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-".unicodeScalars.contains($0)) }
        return plain ? text : quoted(text, limit: 64)
    }

    /// A whole message capped at `limit` characters: the last guard for stored job errors and
    /// API answers, whatever a handler put in them.
    public static func capped(_ message: String, limit: Int = 2_000) -> String {
        guard message.count > limit else { return message }
        return String(message.prefix(limit)) + "… (cut)"
    }
}
