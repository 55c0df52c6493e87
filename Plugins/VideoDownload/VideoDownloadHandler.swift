public import Conveyor

/// `video-download {url}` → `{bytes, contentType, sha256}`: the download stage as a job of its
/// own — to check a source, or to warm a cache. The bytes are released when the job ends.
public struct VideoDownloadHandler: JobHandler {
    public struct Input: Codable, Sendable, VideoSource {
        public var url: String
        public init(url: String) { self.url = url }
    }

    public struct Output: Codable, Sendable, Hashable {
        public var bytes: Int
        public var contentType: String?
        public var sha256: String
    }

    public static let name = "video-download"
    public static let example: Input? = Input(url: "https://example.com/clip.mp4")
    private let stage: DownloadVideo<Input>

    public init(configuration: VideoDownloadConfiguration = VideoDownloadConfiguration()) {
        var configuration = configuration
        configuration.computesSHA256 = true  // part of this job's result
        stage = DownloadVideo(configuration: configuration)
    }

    public func run(_ input: Input, context: JobContext) async throws -> Output {
        let video = try await stage.run(input, context: context)
        return Output(bytes: video.byteCount, contentType: video.contentType, sha256: video.sha256 ?? "")
    }
}
