/// What MediaProbe reads from a file: the container, the streams that matter for sending a
/// video somewhere, and whether it can be streamed while it downloads.
public struct MediaInfo: Codable, Sendable, Hashable {
    /// `mp4`, `mov`, `m4a`, `webm`, `matroska`, or the demuxer's name for anything else.
    public var format: String
    /// Seconds; `nil` when the container does not say.
    public var duration: Double?
    /// Stored (coded) picture size of the main video stream; `nil` without video.
    public var width: Int?
    public var height: Int?
    /// e.g. `h264`, `hevc`, `vp9`, `av1`.
    public var videoCodec: String?
    /// e.g. `aac`, `opus`, `mp3`.
    public var audioCodec: String?
    /// Bits per second of the whole file.
    public var bitRate: Int?
    /// Frames per second of the main video stream.
    public var frameRate: Double?
    /// Degrees clockwise a player turns the stored picture to show it upright: 0, 90, 180 or 270.
    public var rotation: Int
    /// For MP4/MOV: the `moov` index comes before the media data, so playback can start before the
    /// download ends. `nil` for other containers.
    public var faststart: Bool?

    /// Width and height as shown, after rotation.
    public var displaySize: (width: Int, height: Int)? {
        guard let width, let height else { return nil }
        return rotation % 180 == 0 ? (width, height) : (height, width)
    }
}
