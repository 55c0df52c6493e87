import Conveyor
import Diagnostics
import MediaProbe
import VideoDownload

/// The plugins `serve` and `worker` register: every handler that ships with Conveyor.
enum BuiltInPlugins {
    static func all(download: VideoDownloadConfiguration) -> [any ConveyorPlugin] {
        [DiagnosticsPlugin(), VideoDownloadPlugin(configuration: download), MediaProbePlugin(download: download)]
    }
}
