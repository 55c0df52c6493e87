public import Conveyor

/// Bytes an upload reads at any offset, so libcurl can stream them (and rewind on a redirect)
/// without a copy of the whole payload.
public protocol ByteSource: Sendable {
    var byteCount: Int { get }
    /// Copies up to `destination.count` bytes from `offset`; returns how many.
    func copyBytes(from offset: Int, into destination: UnsafeMutableRawBufferPointer) -> Int
}

extension MemoryBuffer: ByteSource {
    public var byteCount: Int { count }
}

/// A byte array as a source, for small payloads and messages.
public struct ArrayByteSource: ByteSource {
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var byteCount: Int { bytes.count }

    public func copyBytes(from offset: Int, into destination: UnsafeMutableRawBufferPointer) -> Int {
        guard offset >= 0, offset < bytes.count else { return 0 }
        let n = min(destination.count, bytes.count - offset)
        bytes.withUnsafeBytes { source in
            destination.baseAddress?.copyMemory(from: source.baseAddress! + offset, byteCount: n)
        }
        return n
    }
}
