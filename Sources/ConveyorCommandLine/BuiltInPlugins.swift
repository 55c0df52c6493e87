import Conveyor
import ConveyorDiagnostics
import ConveyorETL
import ConveyorEmailDelivery
import ConveyorMediaProbe
import ConveyorTelegramUpload
import ConveyorVideoDownload

/// The plugins `serve` and `worker` register: every handler that ships with Conveyor. Every
/// process knows every type; the Telegram pipeline runs only where a bot token is set and email
/// only where an SMTP server is (elsewhere their jobs are accepted and left for such a worker).
enum BuiltInPlugins {
    static func all(
        download: VideoDownloadConfiguration, etl: ETLConfiguration, telegram: TelegramConfiguration?, smtp: SMTPConfiguration?
    ) -> [any ConveyorPlugin] {
        [
            DiagnosticsPlugin(), VideoDownloadPlugin(configuration: download), MediaProbePlugin(download: download), ETLPlugin(configuration: etl),
            TelegramUploadPlugin(telegram: telegram, download: download), EmailDeliveryPlugin(smtp: smtp),
        ]
    }
}
