public import ConveyorVideoDownload

/// A downloaded video with what the probe learned: what the upload stage needs to send it well.
public struct ProbedVideo<Request: Sendable>: Sendable {
    public let video: DownloadedVideo<Request>
    public let info: MediaInfo
    public let thumbnail: Thumbnail?

    public init(video: DownloadedVideo<Request>, info: MediaInfo, thumbnail: Thumbnail?) {
        self.video = video
        self.info = info
        self.thumbnail = thumbnail
    }
}
