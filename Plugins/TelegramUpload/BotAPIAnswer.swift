import Foundation

/// The Bot API's answer envelope: `{"ok": true, "result": …}` or `{"ok": false, "error_code",
/// "description", "parameters": {"retry_after" | "migrate_to_chat_id"}}`.
struct BotAPIAnswer: Decodable {
    struct Parameters: Decodable {
        var retryAfter: Int?
        var migrateToChatId: Int64?
    }

    /// The parts of a sent `Message` the upload stage returns.
    struct Message: Decodable {
        struct Chat: Decodable { var id: Int64 }
        struct File: Decodable { var fileId: String }

        var messageId: Int64
        var chat: Chat
        /// Telegram files a video it cannot play as an animation or a document instead.
        var video: File?
        var animation: File?
        var document: File?

        var fileId: String? { (video ?? animation ?? document)?.fileId }
    }

    var ok: Bool
    var result: Message?
    var errorCode: Int?
    var description: String?
    var parameters: Parameters?

    /// `nil` when the body is not a Bot API answer (a proxy's error page, say).
    static func decode(_ body: [UInt8]) -> BotAPIAnswer? {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try? decoder.decode(BotAPIAnswer.self, from: Data(body))
    }
}
