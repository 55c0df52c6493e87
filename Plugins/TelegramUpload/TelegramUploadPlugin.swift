public import Conveyor
public import ConveyorMediaProbe
public import ConveyorVideoDownload

/// Sends videos to Telegram: registers the `video-to-telegram` pipeline. Its `UploadToTelegram`
/// stage can end pipelines of your own whose request is a `TelegramDestination`.
///
/// Without a bot token (`telegram: nil`) the type is still known — an API process validates and
/// accepts its jobs — but not run here: a worker without the token leaves them for one with it.
public struct TelegramUploadPlugin: ConveyorPlugin {
    public let name = "telegram-upload"
    private let telegram: TelegramConfiguration?
    private let download: VideoDownloadConfiguration
    private let probe: ProbeLimits
    private let options: JobOptions

    /// - Parameters:
    ///   - download: how videos are fetched (the destination policy; the size limit is Telegram's).
    ///   - options: retries and timeout of `video-to-telegram` jobs.
    public init(
        telegram: TelegramConfiguration?, download: VideoDownloadConfiguration = VideoDownloadConfiguration(),
        probe: ProbeLimits = ProbeLimits(), options: JobOptions = VideoToTelegram.defaultOptions
    ) {
        self.telegram = telegram
        self.download = download
        self.probe = probe
        self.options = options
    }

    /// Registers `video-to-telegram`.
    public func register(into registry: inout HandlerRegistry) {
        guard let telegram else {
            registry.register(
                unavailable: VideoToTelegram.name, input: VideoToTelegramRequest.self, example: VideoToTelegram.example, options: options,
                stages: VideoToTelegram.stages, reason: "no Telegram bot token is set (TELEGRAM_BOT_TOKEN)")
            return
        }
        registry.register(VideoToTelegram.pipeline(telegram: telegram, download: download, probe: probe, options: options))
    }
}
