/// What `video-to-telegram` returns: the message that now holds the video.
public struct TelegramMessage: Codable, Sendable, Hashable {
    /// The message's id within its chat.
    public var messageId: Int64
    /// The chat it was sent to — the new one if the group was migrated.
    public var chatId: Int64
    /// Telegram's id of the uploaded file: send it again by this id without uploading.
    public var fileId: String
    /// Set when Telegram said the group had become a supergroup: the chat id the job asked for,
    /// which callers should replace with `chatId`.
    public var migratedFrom: TelegramChatID?

    public init(messageId: Int64, chatId: Int64, fileId: String, migratedFrom: TelegramChatID? = nil) {
        self.messageId = messageId
        self.chatId = chatId
        self.fileId = fileId
        self.migratedFrom = migratedFrom
    }
}
