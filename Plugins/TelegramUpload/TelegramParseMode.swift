/// How Telegram reads formatting in a caption. Without one the caption is plain text.
public enum TelegramParseMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Telegram's HTML subset: `<b>`, `<i>`, `<a href>`, `<code>`…
    case html = "HTML"
    /// Markdown with Telegram's escaping rules.
    case markdownV2 = "MarkdownV2"
    /// Telegram's legacy Markdown; prefer `MarkdownV2`.
    case markdown = "Markdown"

    /// Refuses unknown modes, listing the allowed ones.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let mode = TelegramParseMode(rawValue: text) else {
            let allowed = Self.allCases.map(\.rawValue).joined(separator: ", ")
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\"\(text)\" is not one of \(allowed)")
        }
        self = mode
    }
}
