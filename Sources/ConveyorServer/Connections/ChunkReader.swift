import NIOCore

/// Follows a chunked body's framing (RFC 9112 §7.1) as bytes pass, to know where it ends and to
/// refuse a bad chunk size before the parser turns it into a 500.
struct ChunkReader {
    enum Step: Equatable {
        case needMore, done, malformed(String)
    }

    private enum State {
        case size(digits: Int, value: Int)
        /// After the digits: an extension, up to the line's end.
        case sizeLine(size: Int)
        case data(remaining: Int)
        case dataEnd(seenCR: Bool)
        case trailer(lineLength: Int)
    }

    private var state = State.size(digits: 0, value: 0)

    /// Reads as far as `bytes` go (moving its reader index): `.done` right after the body's last
    /// byte, leaving what follows unread.
    mutating func consume(_ bytes: inout ByteBuffer) -> Step {
        while let byte = bytes.getInteger(at: bytes.readerIndex, as: UInt8.self) {
            switch state {
            case .data(let remaining):
                let count = min(remaining, bytes.readableBytes)
                bytes.moveReaderIndex(forwardBy: count)
                state = remaining == count ? .dataEnd(seenCR: false) : .data(remaining: remaining - count)
                continue
            case .size(let digits, let value):
                if let digit = Self.hex(byte) {
                    guard digits < 15 else { return .malformed("A chunk size is too large") }
                    state = .size(digits: digits + 1, value: value * 16 + digit)
                } else if digits > 0, byte == 13 || byte == 59 || byte == 32 || byte == 9 {
                    state = .sizeLine(size: value)
                } else {
                    return .malformed("A chunk size is not a hexadecimal number")
                }
            case .sizeLine(let size):
                if byte == 10 {
                    state = size == 0 ? .trailer(lineLength: 0) : .data(remaining: size)
                } else if byte < 32 && byte != 9 && byte != 13 {
                    return .malformed("A chunk size line holds a control character")
                }
            case .dataEnd(let seenCR):
                if !seenCR, byte == 13 {
                    state = .dataEnd(seenCR: true)
                } else if seenCR, byte == 10 {
                    state = .size(digits: 0, value: 0)
                } else {
                    return .malformed("A chunk is longer than its size says")
                }
            case .trailer(let lineLength):
                if byte == 10 {
                    bytes.moveReaderIndex(forwardBy: 1)
                    if lineLength == 0 { return .done }
                    state = .trailer(lineLength: 0)
                    continue
                }
                state = .trailer(lineLength: byte == 13 ? lineLength : lineLength + 1)
            }
            bytes.moveReaderIndex(forwardBy: 1)
        }
        return .needMore
    }

    private static func hex(_ byte: UInt8) -> Int? {
        switch byte {
        case 48...57: Int(byte - 48)
        case 65...70: Int(byte - 55)
        case 97...102: Int(byte - 87)
        default: nil
        }
    }
}
