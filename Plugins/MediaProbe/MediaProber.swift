public import Conveyor
import Dispatch

/// Runs `MediaReader` on a thread of its own (FFmpeg blocks; the cooperative pool must not),
/// with task cancellation reaching FFmpeg through the interrupt callback.
public struct MediaProber: Sendable {
    public var limits: ProbeLimits

    private static let queue = DispatchQueue(label: "conveyor.media-probe", attributes: .concurrent)

    public init(limits: ProbeLimits = ProbeLimits()) {
        self.limits = limits
    }

    /// Reads metadata and, when there is video, a thumbnail. Throws a permanent `JobError`
    /// carrying FFmpeg's reason for media it cannot read.
    public func probe(_ buffer: MemoryBuffer) async throws -> (MediaInfo, Thumbnail?) {
        try Task.checkCancellation()
        let input = MemoryInput(buffer: buffer, timeLimit: limits.timeLimit)
        let reader = MediaReader(input: input, limits: limits)
        let result: Result<(MediaInfo, Thumbnail?), any Error> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                Self.queue.async { continuation.resume(returning: Result { try reader.read() }) }
            }
        } onCancel: {
            input.stop()
        }
        do {
            return try result.get()
        } catch let error as MediaProbeError {
            try Task.checkCancellation()
            if input.isPastDeadline { throw JobError.retryable("Unreadable media: \(error.message)", code: "probe_timeout") }
            throw JobError.permanent("Unreadable media: \(error.message)", code: "unreadable_media")
        }
    }
}
