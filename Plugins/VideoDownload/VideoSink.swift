import Conveyor
import ConveyorCurl
import Crypto
import Foundation
import Synchronization

/// Receives a download straight into a `MemoryBuffer`: an exact reservation when the
/// Content-Length is known, whole chunks when it is not (or when the server sends more than it
/// said), hashing and reporting progress as bytes arrive. Bodies of error responses are dropped.
final class VideoSink: CurlBodySink {
    private struct State {
        var hasher: SHA256?
        var status = 0
        var expected: Int?
        var contentType: String?
        var reported = 0
    }

    let buffer: MemoryBuffer
    private let context: JobContext
    /// The most bytes this video may have: the per-job memory cap, or the caller's own limit
    /// (a destination's upload limit) when that is smaller.
    private let cap: Int
    /// The code a video over `cap` fails with, naming which limit it hit.
    private let overCapCode: ErrorCode
    private let state = Mutex(State())

    init(buffer: MemoryBuffer, context: JobContext, hashing: Bool, maxBytes: Int?) {
        self.buffer = buffer
        if hashing { state.withLock { $0.hasher = SHA256() } }
        self.context = context
        let limits = context.memory.budget.limits
        let memoryCap = min(limits.maxPerJob, limits.maxTotal)
        if let maxBytes, maxBytes < memoryCap {
            (cap, overCapCode) = (maxBytes, "video_too_large")
        } else {
            (cap, overCapCode) = (memoryCap, .memoryTooLarge)
        }
    }

    var contentType: String? { state.withLock { $0.contentType } }

    /// Hex SHA-256 of the bytes, when hashing was asked for.
    var sha256: String? {
        state.withLock { $0.hasher?.finalize() }.map { digest in digest.map { String(format: "%02x", $0) }.joined() }
    }

    func begin(_ head: CurlResponseHead) throws {
        state.withLock { state in
            state.status = head.status
            state.expected = head.expectedLength
            state.contentType = head.header("Content-Type")
        }
        if (200..<300).contains(head.status), let expected = head.expectedLength, expected > cap {
            throw JobError(
                code: overCapCode, message: "Video too large: \(ByteCount.format(expected)) > \(ByteCount.format(cap))", isPermanent: true)
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let status = state.withLock { $0.status }
        guard (200..<300).contains(status) else { return true }  // an error page: not the video
        guard buffer.append(ifRoom: bytes) else { return false }
        let count = buffer.count
        let progress: (Int, Int?)? = state.withLock { state in
            state.hasher?.update(bufferPointer: bytes)
            let step = state.expected.map { max($0 / 100, 1) } ?? (1 << 20)  // each percent, or each MB
            guard count - state.reported >= step || count == state.expected else { return nil }
            state.reported = count
            return (count, state.expected)
        }
        if let (received, expected) = progress { report(received: received, expected: expected) }
        return true
    }

    func makeRoom(for byteCount: Int) async throws {
        let (expected, count) = (state.withLock { $0.expected }, buffer.count)
        if let expected, count + byteCount <= expected {
            try await buffer.reserveCapacity(expected - count)  // what the server announced, exactly
            return
        }
        let held = context.memory.bytesHeld
        if held + byteCount > cap {
            throw JobError(
                code: overCapCode,
                message: "Video too large: more than \(ByteCount.format(count + byteCount)) > \(ByteCount.format(cap))",
                isPermanent: true)
        }
        // Whole chunks, except the last stretch below the cap, which is reserved exactly.
        let chunk = max(byteCount, MemoryBuffer.defaultChunkSize)
        try await buffer.reserveCapacity(held + chunk > cap ? byteCount : chunk)
    }

    private func report(received: Int, expected: Int?) {
        if let expected, expected > 0 {
            let message = String(format: "Downloading %.1f/%.1f MB", Double(received) / 1e6, Double(expected) / 1e6)
            context.progress(Double(received) / Double(expected), message)
        } else {
            context.progress(0, String(format: "Downloading %.1f MB", Double(received) / 1e6))
        }
    }
}
