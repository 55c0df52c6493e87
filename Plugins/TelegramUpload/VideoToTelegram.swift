public import Conveyor
public import ConveyorMediaProbe
public import ConveyorVideoDownload

/// The headline pipeline: `video-to-telegram {url, chatId, caption?, parseMode?}` →
/// `{messageId, chatId, fileId, migratedFrom?}`.
///
/// Download into memory (70 % of the progress), read metadata and a thumbnail from memory (10 %),
/// upload from memory (20 %). The video never touches the disk; its memory is released when the
/// job ends, however it ends. Media FFmpeg cannot read fails in the probe, before any upload, and
/// a video over Telegram's limit fails in the download as soon as its size is known.
public enum VideoToTelegram {
    /// The job type.
    public static let name = "video-to-telegram"

    /// Retries for what is worth retrying (network, 5xx): five attempts with exponential backoff.
    public static let defaultOptions = JobOptions(maxAttempts: 5)

    /// The pipeline, ready to register: the download is limited to `telegram.maxUpload` and does
    /// not hash (nothing reads the hash).
    public static func pipeline(
        telegram: TelegramConfiguration, download: VideoDownloadConfiguration = VideoDownloadConfiguration(),
        probe: ProbeLimits = ProbeLimits(), options: JobOptions = defaultOptions
    ) -> Pipeline<VideoToTelegramRequest, TelegramMessage> {
        var download = download
        download.computesSHA256 = false  // nothing downstream reads the hash
        download.maxBytes = min(download.maxBytes ?? .max, telegram.maxUpload)
        return Pipeline(name, options: options, example: example) {
            DownloadVideo<VideoToTelegramRequest>(configuration: download, weight: stages[0].weight)
            ProbeMedia<VideoToTelegramRequest>(limits: probe, weight: stages[1].weight)
            UploadToTelegram<VideoToTelegramRequest>(configuration: telegram, weight: stages[2].weight)
        }
    }

    /// The stages and their shares of the progress, also told by a process without a bot token.
    public static let stages: [HandlerDescription.StageInfo] = [
        .init(name: "download", weight: 70), .init(name: "probe", weight: 10), .init(name: "upload", weight: 20),
    ]

    /// The payload `GET /api/handlers` shows.
    public static let example = VideoToTelegramRequest(url: "https://example.com/clip.mp4", chatId: .username("@my_channel"), caption: "Today's clip")
}
