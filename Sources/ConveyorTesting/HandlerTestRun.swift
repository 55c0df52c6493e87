public import Conveyor

/// What one in-process run of a handler or pipeline produced, for assertions.
public struct HandlerTestRun<Output: Sendable>: Sendable {
    /// The output, or the error the handler threw.
    public let result: Result<Output, any Error>
    /// Every progress event, in order, as the runtime would have sent them.
    public let progress: [JobProgress]
    /// The most memory the run held at once.
    public let peakMemory: Int
    /// Memory still held when the run ended: 0 unless something outlived the job on purpose.
    public let memoryAfter: Int

    /// The output; rethrows the handler's error.
    public func output() throws -> Output { try result.get() }
}
