/// A JPEG of one early frame, upright, its longest side at most 320 px — what Telegram wants as
/// a video's `thumbnail`.
public struct Thumbnail: Codable, Sendable, Hashable {
    public var width: Int
    public var height: Int
    public var jpeg: [UInt8]
}
