public import Conveyor
import ConveyorCurl
public import ConveyorVideoDownload

/// The `video-to-telegram` payload: `{url, chatId, caption?, parseMode?, delivery?}`. Decoding checks every
/// field, so a bad payload is refused at enqueue with the field named
/// (`payload.chatId: expected a chat id such as …`).
public struct VideoToTelegramRequest: Codable, Sendable, Hashable, VideoSource, TelegramDestination {
    /// An absolute http(s) URL of the video.
    public var url: String
    /// The target chat: a number or `@channelusername`.
    public var chatId: TelegramChatID
    /// Up to 1024 characters; longer plain captions are cut with "…".
    public var caption: String?
    /// `HTML`, `MarkdownV2` or `Markdown`; plain text when absent.
    public var parseMode: TelegramParseMode?
    /// `at-least-once` (the default) or `at-most-once`: see ``TelegramDestination/delivery``.
    public var delivery: StepDelivery

    public init(
        url: String, chatId: TelegramChatID, caption: String? = nil, parseMode: TelegramParseMode? = nil, delivery: StepDelivery = .atLeastOnce
    ) {
        self.url = url
        self.chatId = chatId
        self.caption = caption
        self.parseMode = parseMode
        self.delivery = delivery
    }

    private enum CodingKeys: String, CodingKey {
        case url, chatId, caption, parseMode, delivery
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(url, forKey: .url)
        try container.encode(chatId, forKey: .chatId)
        try container.encodeIfPresent(caption, forKey: .caption)
        try container.encodeIfPresent(parseMode, forKey: .parseMode)
        if delivery != .atLeastOnce { try container.encode(delivery, forKey: .delivery) }
    }

    /// Validates every field, naming the bad one.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        url = try container.decode(String.self, forKey: .url)
        if let problem = FetchableURL.problem(with: url) {
            throw DecodingError.dataCorruptedError(forKey: .url, in: container, debugDescription: problem)
        }
        chatId = try container.decode(TelegramChatID.self, forKey: .chatId)
        caption = try container.decodeIfPresent(String.self, forKey: .caption)
        parseMode = try container.decodeIfPresent(TelegramParseMode.self, forKey: .parseMode)
        delivery = .atLeastOnce
        if let raw = try container.decodeIfPresent(String.self, forKey: .delivery) {
            guard let chosen = StepDelivery(rawValue: raw) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .delivery, in: container, debugDescription: "expected \"at-least-once\" or \"at-most-once\", got \"\(raw)\"")
            }
            delivery = chosen
        }
    }
}
