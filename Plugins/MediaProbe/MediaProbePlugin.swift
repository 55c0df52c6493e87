public import Conveyor
public import ConveyorVideoDownload

/// Reads media metadata and makes thumbnails with libavformat, from memory: the `media-probe`
/// job type and the `ProbeMedia` stage for pipelines.
public struct MediaProbePlugin: ConveyorPlugin {
    public let name = "media-probe"
    private let download: VideoDownloadConfiguration
    private let limits: ProbeLimits

    public init(download: VideoDownloadConfiguration = VideoDownloadConfiguration(), limits: ProbeLimits = ProbeLimits()) {
        self.download = download
        self.limits = limits
    }

    public func register(into registry: inout HandlerRegistry) {
        registry.register(MediaProbeHandler(download: download, limits: limits))
    }
}
