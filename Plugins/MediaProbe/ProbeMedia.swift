public import Conveyor
public import ConveyorVideoDownload

/// The pipeline stage that reads a downloaded video's metadata and makes its thumbnail, from
/// memory. Media FFmpeg cannot read — or a file without a video stream — fails permanently here,
/// before anything is uploaded.
public struct ProbeMedia<Request: Sendable>: Stage {
    public let name = "probe"
    public let weight: Double
    private let prober: MediaProber
    private let requireVideo: Bool

    /// - Parameter requireVideo: fail when there is no video stream (audio-only files).
    public init(limits: ProbeLimits = ProbeLimits(), requireVideo: Bool = true, weight: Double = 10) {
        self.prober = MediaProber(limits: limits)
        self.requireVideo = requireVideo
        self.weight = weight
    }

    public func run(_ video: DownloadedVideo<Request>, context: JobContext) async throws -> ProbedVideo<Request> {
        context.progress(0, "Reading metadata")
        let (info, thumbnail) = try await prober.probe(video.buffer)
        if requireVideo && info.videoCodec == nil {
            throw JobError.permanent("Unreadable media: \(video.sourceURL) has no video stream (\(info.format))", code: "no_video_stream")
        }
        var summary = info.format
        if let size = info.displaySize { summary += " \(size.width)×\(size.height)" }
        if let duration = info.duration { summary += String(format: ", %.1f s", duration) }
        context.progress(1, "Read metadata: \(summary)")
        return ProbedVideo(video: video, info: info, thumbnail: thumbnail)
    }
}
