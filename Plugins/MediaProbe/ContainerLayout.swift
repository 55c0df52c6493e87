import Conveyor

/// What the container's first bytes say that FFmpeg does not report directly.
enum ContainerLayout {
    /// For ISO BMFF (MP4/MOV): whether `moov` comes before the first `mdat` among the top-level
    /// boxes; `nil` when neither is found.
    static func isFaststart(_ buffer: MemoryBuffer) -> Bool? {
        var offset = 0
        let size = buffer.count
        var header = [UInt8](repeating: 0, count: 16)
        while offset + 8 <= size {
            let read = header.withUnsafeMutableBytes { buffer.copyBytes(from: offset, into: $0) }
            guard read >= 8 else { return nil }
            var length = header[0..<4].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: header[4..<8], as: UTF8.self)
            if type == "moov" { return true }
            if type == "mdat" || type == "moof" { return false }
            if length == 1 {
                guard read == 16 else { return nil }
                length = header[8..<16].reduce(0) { $0 << 8 | Int($1) }
            }
            guard length >= 8 else { return nil }  // 0 = "to the end", and nothing before it was moov
            offset += length
        }
        return nil
    }

    /// Whether a Matroska file declares the `webm` DocType in its EBML header.
    static func isWebM(_ buffer: MemoryBuffer) -> Bool {
        var head = [UInt8](repeating: 0, count: 64)
        let read = head.withUnsafeMutableBytes { buffer.copyBytes(from: 0, into: $0) }
        let bytes = head.prefix(read)
        // DocType element id 0x4282, a one-byte size (0x84 = 4), then the text.
        return bytes.indices.dropLast(6).contains { i in
            bytes[i] == 0x42 && bytes[i + 1] == 0x82 && bytes[i + 2] == 0x84
                && Array(bytes[(i + 3)..<(i + 7)]) == Array("webm".utf8)
        }
    }
}
