/// A job request that says where a video goes in Telegram. The upload stage reads it from the
/// request the download stage handed on, so any request type of yours can carry it.
public import Conveyor

public protocol TelegramDestination: Sendable {
    /// Where the video goes.
    var chatId: TelegramChatID { get }
    /// Shown under the video; fitted to Telegram's 1024 characters (see `TelegramCaption`).
    var caption: String? { get }
    /// How Telegram reads formatting in the caption; plain text when `nil`.
    var parseMode: TelegramParseMode? { get }
    /// What a worker dying mid-send may lead to: at-least-once sends again (a second post is
    /// possible), at-most-once fails the job with `outcome_unknown` instead (a post may be missing).
    var delivery: StepDelivery { get }
}

extension TelegramDestination {
    /// Plain text unless a request says otherwise.
    public var parseMode: TelegramParseMode? { nil }
    /// At-least-once unless a request says otherwise.
    public var delivery: StepDelivery { .atLeastOnce }
}
