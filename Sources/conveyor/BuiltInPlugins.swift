import Conveyor
import Diagnostics
import MediaProbe
import TelegramUpload
import VideoDownload

/// The plugins `serve` and `worker` register: every handler that ships with Conveyor. The
/// Telegram pipeline needs a bot token, so it is offered only when one is configured.
enum BuiltInPlugins {
    static func all(download: VideoDownloadConfiguration, telegram: TelegramConfiguration?) -> [any ConveyorPlugin] {
        var plugins: [any ConveyorPlugin] = [DiagnosticsPlugin(), VideoDownloadPlugin(configuration: download), MediaProbePlugin(download: download)]
        if let telegram { plugins.append(TelegramUploadPlugin(telegram: telegram, download: download)) }
        return plugins
    }
}
