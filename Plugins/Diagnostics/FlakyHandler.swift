public import Conveyor

/// `flaky {failTimes, permanent?}`: fails its first `failTimes` attempts (permanently if
/// asked), then succeeds — for watching retries and the dead-letter list.
public struct FlakyHandler: JobHandler {
    public struct Input: Codable, Sendable {
        public var failTimes: Int
        public var permanent: Bool?
        public init(failTimes: Int, permanent: Bool? = nil) {
            self.failTimes = failTimes
            self.permanent = permanent
        }
    }

    public struct Output: Codable, Sendable {
        /// The attempt that succeeded.
        public var attempt: Int
    }

    public static let name = "flaky"
    public static let example: Input? = Input(failTimes: 2, permanent: false)
    public static let options = JobOptions(retry: .fixed([.milliseconds(50)]), maxAttempts: 5)

    public init() {}

    public func run(_ input: Input, context: JobContext) async throws -> Output {
        guard context.attempt > input.failTimes else {
            let message = "Failing on purpose: attempt \(context.attempt) of the first \(input.failTimes)"
            throw input.permanent == true ? JobError.permanent(message) : JobError.retryable(message)
        }
        return Output(attempt: context.attempt)
    }
}
