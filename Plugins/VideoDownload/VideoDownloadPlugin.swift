public import Conveyor

/// Downloads videos over HTTP(S) into memory under the shared budget: the `video-download` job
/// type and the `DownloadVideo` stage for pipelines. Copy this folder to start a plugin of your own.
public struct VideoDownloadPlugin: ConveyorPlugin {
    public let name = "video-download"
    private let configuration: VideoDownloadConfiguration

    public init(configuration: VideoDownloadConfiguration = VideoDownloadConfiguration()) {
        self.configuration = configuration
    }

    public func register(into registry: inout HandlerRegistry) {
        registry.register(VideoDownloadHandler(configuration: configuration))
    }
}
