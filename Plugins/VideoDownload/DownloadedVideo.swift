public import Conveyor

/// A video held in memory under the job's budget, as the download stage hands it to the next
/// stage, together with the job's request (later stages need its other fields). Its bytes are
/// released when the last reference goes away or the job ends.
public struct DownloadedVideo<Request: Sendable>: Sendable {
    /// What the job asked for.
    public let request: Request
    /// The bytes, readable at any offset (what MediaProbe and the Telegram upload read from).
    public let buffer: MemoryBuffer
    /// The server's Content-Type, if it sent one.
    public let contentType: String?
    /// Hex SHA-256 of the bytes, computed as they arrived (`nil` when the configuration turned it off).
    public let sha256: String?
    /// The source URL with credentials and query values redacted.
    public let sourceURL: String

    public var byteCount: Int { buffer.count }

    public init(request: Request, buffer: MemoryBuffer, contentType: String?, sha256: String?, sourceURL: String) {
        self.request = request
        self.buffer = buffer
        self.contentType = contentType
        self.sha256 = sha256
        self.sourceURL = sourceURL
    }
}
