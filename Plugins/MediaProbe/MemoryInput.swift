import CFFmpeg
import Conveyor
import Foundation
import Synchronization

/// Feeds FFmpeg from a `MemoryBuffer` through a custom AVIOContext: read, seek (with
/// `AVSEEK_SIZE`, without which moov-at-end MP4s cannot be read) and the interrupt check that
/// makes cancellation and the time limit reach FFmpeg's loops.
///
/// Safe to send: `position` is only used by FFmpeg's callbacks on the one thread running the
/// probe; `stopped` is a Mutex set from the cancelling task.
final class MemoryInput: @unchecked Sendable {
    let buffer: MemoryBuffer
    private let deadline: ContinuousClock.Instant
    private let stopped = Mutex(false)
    private var position = 0

    init(buffer: MemoryBuffer, timeLimit: Duration) {
        self.buffer = buffer
        self.deadline = .now + timeLimit
    }

    /// Makes every following read and interrupt check fail: FFmpeg unwinds at once.
    func stop() { stopped.withLock { $0 = true } }

    var isCancelled: Bool { stopped.withLock { $0 } }
    var isPastDeadline: Bool { ContinuousClock.now > deadline }
    private var shouldStop: Bool { isCancelled || isPastDeadline }

    /// A context reading from this input; free it with `close(_:)`.
    func makeContext() -> UnsafeMutablePointer<AVIOContext>? {
        let size: Int32 = 64 * 1024
        guard let scratch = av_malloc(Int(size))?.assumingMemoryBound(to: UInt8.self) else { return nil }
        let me = Unmanaged.passUnretained(self).toOpaque()
        guard let context = avio_alloc_context(scratch, size, 0, me, Self.onRead, nil, Self.onSeek) else {
            av_free(scratch)
            return nil
        }
        return context
    }

    /// Frees a context made by `makeContext` (FFmpeg may have replaced its scratch buffer).
    static func close(_ context: UnsafeMutablePointer<AVIOContext>) {
        var context: UnsafeMutablePointer<AVIOContext>? = context
        av_freep(&context!.pointee.buffer)
        avio_context_free(&context)
    }

    /// The interrupt callback to install in an AVFormatContext, with `self` as its opaque pointer.
    var interrupt: AVIOInterruptCB {
        AVIOInterruptCB(callback: Self.onInterrupt, opaque: Unmanaged.passUnretained(self).toOpaque())
    }

    private static let onRead: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<UInt8>?, Int32) -> Int32 = {
        opaque, target, size in
        let input = Unmanaged<MemoryInput>.fromOpaque(opaque!).takeUnretainedValue()
        if input.shouldStop { return cffmpeg_averror_exit() }
        let copied = input.buffer.copyBytes(from: input.position, into: UnsafeMutableRawBufferPointer(start: target, count: Int(size)))
        guard copied > 0 else { return cffmpeg_averror_eof() }
        input.position += copied
        return Int32(copied)
    }

    private static let onSeek: @convention(c) (UnsafeMutableRawPointer?, Int64, Int32) -> Int64 = { opaque, offset, whence in
        let input = Unmanaged<MemoryInput>.fromOpaque(opaque!).takeUnretainedValue()
        let size = input.buffer.count
        if whence & AVSEEK_SIZE != 0 { return Int64(size) }
        let base: Int
        switch whence & ~AVSEEK_FORCE {
        case SEEK_SET: base = 0
        case SEEK_CUR: base = input.position
        case SEEK_END: base = size
        default: return Int64(cffmpeg_averror(EINVAL))
        }
        let target = base + Int(offset)
        guard target >= 0, target <= size else { return Int64(cffmpeg_averror(EINVAL)) }
        input.position = target
        return Int64(target)
    }

    private static let onInterrupt: @convention(c) (UnsafeMutableRawPointer?) -> Int32 = { opaque in
        Unmanaged<MemoryInput>.fromOpaque(opaque!).takeUnretainedValue().shouldStop ? 1 : 0
    }
}
