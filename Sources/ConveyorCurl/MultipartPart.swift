/// One part of a `multipart/form-data` body.
public struct MultipartPart: Sendable {
    /// What the part holds.
    public enum Content: Sendable {
        case text(String)
        /// Streamed from `source` while uploading — the payload is never copied whole.
        case stream(any ByteSource, filename: String, contentType: String)
    }

    public var name: String
    public var content: Content

    public init(name: String, content: Content) {
        self.name = name
        self.content = content
    }

    /// A form field.
    public static func field(_ name: String, _ value: String) -> MultipartPart {
        MultipartPart(name: name, content: .text(value))
    }

    /// A file part read from memory.
    public static func file(_ name: String, from source: any ByteSource, filename: String, contentType: String) -> MultipartPart {
        MultipartPart(name: name, content: .stream(source, filename: filename, contentType: contentType))
    }
}
