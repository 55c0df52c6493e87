import Conveyor
import ConveyorDiagnostics
import ConveyorETL
import ConveyorEmailDelivery
import ConveyorMediaProbe
import ConveyorTelegramUpload
import ConveyorVideoDownload

/// The plugins `serve` and `worker` register: every handler that ships with Conveyor. The
/// Telegram pipeline needs a bot token and email an SMTP server, so each is offered only when
/// configured.
enum BuiltInPlugins {
    static func all(
        download: VideoDownloadConfiguration, etl: ETLConfiguration, telegram: TelegramConfiguration?, smtp: SMTPConfiguration?
    ) -> [any ConveyorPlugin] {
        var plugins: [any ConveyorPlugin] = [
            DiagnosticsPlugin(), VideoDownloadPlugin(configuration: download), MediaProbePlugin(download: download), ETLPlugin(configuration: etl),
        ]
        if let telegram { plugins.append(TelegramUploadPlugin(telegram: telegram, download: download)) }
        if let smtp { plugins.append(EmailDeliveryPlugin(smtp: smtp)) }
        return plugins
    }
}
