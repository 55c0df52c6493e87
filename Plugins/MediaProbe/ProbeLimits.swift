/// The hardening every probe runs under: only these demuxers and decoders, a stream count cap and
/// a time limit. Media comes from untrusted URLs; FFmpeg should see no more of it than needed.
public struct ProbeLimits: Sendable, Hashable {
    /// Demuxers FFmpeg may pick (its short names).
    public var demuxers = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi,flv,mpegts,ogg,mp3,aac,wav,flac"
    /// Decoders FFmpeg may open, while probing and for the thumbnail.
    public var decoders = "h264,hevc,vp8,vp9,av1,mpeg4,mpeg2video,mpeg1video,mjpeg,theora,aac,mp3,mp3float,opus,vorbis,flac,alac,ac3,eac3,pcm_s16le,pcm_s24le,pcm_f32le"
    /// More streams than this and the file is refused.
    public var maxStreams: Int32 = 32
    /// A probe (metadata and thumbnail) taking longer is stopped.
    public var timeLimit: Duration = .seconds(30)
    /// The thumbnail's longest side.
    public var thumbnailSize = 320
    /// JPEGs at least this large are re-encoded at lower quality.
    public var thumbnailMaxBytes = 200_000

    public init() {}
}
