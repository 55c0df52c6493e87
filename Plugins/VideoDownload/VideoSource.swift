/// A job request that names a video to download. The download stage takes the whole request and
/// hands it on with the bytes, so later stages see its other fields (a chat id, a caption).
public protocol VideoSource: Sendable {
    /// An absolute `http` or `https` URL.
    var url: String { get }
}

extension String: VideoSource {
    /// A plain string is its own URL.
    public var url: String { self }
}
