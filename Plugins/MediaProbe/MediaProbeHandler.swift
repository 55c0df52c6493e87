public import Conveyor
public import ConveyorVideoDownload
import Foundation

/// `media-probe {url}` → the media's metadata and its thumbnail (base64 JPEG): download into
/// memory, then read with libavformat — no temporary file, no `ffprobe` process.
public struct MediaProbeHandler: JobHandler {
    public struct Input: Codable, Sendable, VideoSource {
        public var url: String
        public init(url: String) { self.url = url }
    }

    public struct Output: Codable, Sendable, Hashable {
        public var info: MediaInfo
        public var bytes: Int
        public var sha256: String
        public var thumbnail: ThumbnailSummary?
    }

    /// The thumbnail as a job result carries it.
    public struct ThumbnailSummary: Codable, Sendable, Hashable {
        public var width: Int
        public var height: Int
        public var bytes: Int
        public var jpegBase64: String
    }

    public static let name = "media-probe"
    public static let example: Input? = Input(url: "https://example.com/clip.mp4")
    private let download: DownloadVideo<Input>
    private let probe: ProbeMedia<Input>

    public init(download: VideoDownloadConfiguration = VideoDownloadConfiguration(), limits: ProbeLimits = ProbeLimits()) {
        var download = download
        download.computesSHA256 = true  // part of this job's result
        self.download = DownloadVideo(configuration: download)
        self.probe = ProbeMedia(limits: limits, requireVideo: false)
    }

    public func run(_ input: Input, context: JobContext) async throws -> Output {
        let video = try await download.run(input, context: context.entering(stage: download.name, from: 0, to: 0.8))
        let probed = try await probe.run(video, context: context.entering(stage: probe.name, from: 0.8, to: 1))
        return Output(
            info: probed.info, bytes: probed.video.byteCount, sha256: probed.video.sha256 ?? "",
            thumbnail: probed.thumbnail.map {
                ThumbnailSummary(width: $0.width, height: $0.height, bytes: $0.jpeg.count, jpegBase64: Data($0.jpeg).base64EncodedString())
            })
    }
}
