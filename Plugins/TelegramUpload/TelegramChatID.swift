import Foundation

/// Where a message goes: a chat's numeric id (negative for groups and channels) or a public
/// channel's `@username`. In JSON it is a number or a string, as the Bot API takes it; a numeric
/// string is read as the number.
public enum TelegramChatID: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A user, group or channel by its numeric id.
    case id(Int64)
    /// A public channel or supergroup by its `@username`.
    case username(String)

    /// Reads `-1001234567890`, `"123"` or `"@channel"`; `nil` for anything else.
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let id = Int64(trimmed), id != 0 {
            self = .id(id)
        } else if trimmed.hasPrefix("@"), Self.isUsername(trimmed.dropFirst()) {
            self = .username(trimmed)
        } else {
            return nil
        }
    }

    /// Accepts a JSON number or string; anything else names what a chat id looks like.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let id = try? container.decode(Int64.self), id != 0 {
            self = .id(id)
        } else if let text = try? container.decode(String.self), let chat = TelegramChatID(text) {
            self = chat
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: Self.expected)
        }
    }

    /// A number for ids, a string for usernames — as the Bot API returns them.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .id(let id): try container.encode(id)
        case .username(let name): try container.encode(name)
        }
    }

    /// The form field value the Bot API expects.
    public var description: String {
        switch self {
        case .id(let id): String(id)
        case .username(let name): name
        }
    }

    /// What a valid chat id looks like, for error messages.
    public static let expected = "expected a chat id such as -1001234567890 or a channel username such as @mychannel"

    /// Telegram usernames: 5–32 letters, digits and underscores.
    private static func isUsername(_ name: Substring) -> Bool {
        (5...32).contains(name.count) && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }
}
