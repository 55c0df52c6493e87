import CCurl

/// Feeds a `ByteSource` to libcurl's read and seek callbacks, one position per upload part.
///
/// Safe to send: only libcurl's callbacks on the engine thread move `offset`.
final class SourceReader: @unchecked Sendable {
    private let source: any ByteSource
    private var offset = 0

    init(_ source: any ByteSource) { self.source = source }

    static let onRead: curl_read_callback = { buffer, size, count, context in
        let reader = Unmanaged<SourceReader>.fromOpaque(context!).takeUnretainedValue()
        let copied = reader.source.copyBytes(from: reader.offset, into: UnsafeMutableRawBufferPointer(start: buffer, count: size * count))
        reader.offset += copied
        return copied
    }

    static let onSeek: curl_seek_callback = { context, offset, origin in
        let reader = Unmanaged<SourceReader>.fromOpaque(context!).takeUnretainedValue()
        let base = switch origin {
        case SEEK_CUR: reader.offset
        case SEEK_END: reader.source.byteCount
        default: 0
        }
        let target = base + Int(offset)
        guard (0...reader.source.byteCount).contains(target) else { return CURL_SEEKFUNC_FAIL }
        reader.offset = target
        return CURL_SEEKFUNC_OK
    }
}
