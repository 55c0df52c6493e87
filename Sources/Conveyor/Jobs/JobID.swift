public import Foundation
import Synchronization

/// A job's identity: a UUIDv7, so ids sort by creation time and FIFO order can fall back on them.
///
/// Ids made in the same millisecond stay ordered: the 12 bits after the timestamp count up
/// (RFC 9562 §6.2, method 1), so `JobID.make()` never goes backwards within one process.
public struct JobID: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// The underlying UUID.
    public let uuid: UUID

    /// Wraps an existing UUID, e.g. one read back from a store.
    public init(_ uuid: UUID) { self.uuid = uuid }

    /// Parses the canonical string form; `nil` when the text is not a UUID.
    public init?(_ string: String) {
        guard let uuid = UUID(uuidString: string) else { return nil }
        self.uuid = uuid
    }

    /// A new, time-ordered id.
    public static func make(now: Date = Date()) -> JobID { JobID(generator.next(now: now)) }

    /// Lower-case canonical form, as the HTTP API shows it.
    public var description: String { uuid.uuidString.lowercased() }

    /// The millisecond the id was made, read back from its first 48 bits.
    public var timestamp: Date {
        let b = uuid.uuid
        let ms = [b.0, b.1, b.2, b.3, b.4, b.5].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Date(timeIntervalSince1970: Double(ms) / 1000)
    }

    public static func < (lhs: JobID, rhs: JobID) -> Bool { lhs.orderKey < rhs.orderKey }

    private var orderKey: (UInt64, UInt64) {
        withUnsafeBytes(of: uuid.uuid) { raw in
            (UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
             UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = JobID(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(MessageText.quoted(text)) is not a job id (UUID)"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    private static let generator = Generator()

    private final class Generator: Sendable {
        private let state = Mutex<(millis: UInt64, counter: UInt16)>((0, 0))

        func next(now: Date) -> UUID {
            let wall = UInt64(max(0, now.timeIntervalSince1970 * 1000))
            let (millis, counter) = state.withLock { state -> (UInt64, UInt16) in
                if wall > state.millis {
                    // Start low in the 12-bit space so the counter has room to grow this millisecond.
                    state = (wall, UInt16.random(in: 0..<0x400))
                } else if state.counter >= 0xFFF {
                    state = (state.millis + 1, 0)
                } else {
                    state.counter += 1
                }
                return state
            }
            var rand = UInt64.random(in: .min ... .max)
            var bytes = [UInt8](repeating: 0, count: 16)
            for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: millis >> (40 - 8 * UInt64(i))) }
            bytes[6] = 0x70 | UInt8(counter >> 8)
            bytes[7] = UInt8(truncatingIfNeeded: counter)
            for i in 8..<16 { bytes[i] = UInt8(truncatingIfNeeded: rand); rand >>= 8 }
            bytes[8] = 0x80 | (bytes[8] & 0x3F)
            return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                               bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
        }
    }
}
