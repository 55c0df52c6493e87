import CFFmpeg

/// Why FFmpeg could not read the media, in FFmpeg's own words where it gave them.
struct MediaProbeError: Error {
    let code: Int32
    let step: String
    let detail: String?

    var message: String {
        var buffer = [CChar](repeating: 0, count: 256)
        av_strerror(code, &buffer, buffer.count)
        let summary = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if let detail, !detail.isEmpty { return "\(step): \(detail) (\(summary))" }
        return "\(step): \(summary)"
    }
}
