/// A bot's token from @BotFather. It prints as `***` everywhere — string interpolation,
/// `description`, `dump` of a configuration — so it cannot reach a log or an error by accident;
/// only the Bot API request reads `secret`.
public struct TelegramBotToken: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The token itself: only for the request URL (and its redaction list).
    let secret: String

    /// Accepts what @BotFather gives: the bot's numeric id, a colon, then letters, digits, `_`
    /// and `-`. `nil` for anything else (the text is never echoed back).
    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].allSatisfy(\.isWholeNumberASCII), parts[1].count >= 20,
            parts[1].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
        else { return nil }
        secret = text
    }

    /// Always `***`.
    public var description: String { "***" }
    /// Always `***`.
    public var debugDescription: String { "***" }
    /// No children, so `dump` and reflection show nothing either.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension Character {
    fileprivate var isWholeNumberASCII: Bool { isASCII && isNumber }
}
