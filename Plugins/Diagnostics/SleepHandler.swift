public import Conveyor

/// `sleep {ms}`: waits, reporting progress at least ten times, and stops the moment it is
/// cancelled — the job that shows timeouts, cancels and drains really stop work.
public struct SleepHandler: JobHandler {
    public struct Input: Codable, Sendable {
        /// How long to sleep, 0…86 400 000 ms.
        public var ms: Int
        public init(ms: Int) { self.ms = ms }
    }

    public struct Output: Codable, Sendable {
        public var slept: Int
    }

    public static let name = "sleep"
    public static let example: Input? = Input(ms: 1500)

    public init() {}

    public func run(_ input: Input, context: JobContext) async throws -> Output {
        guard (0...86_400_000).contains(input.ms) else {
            throw JobError.permanent("payload.ms: \(input.ms) is out of range 0…86400000", code: "invalid_payload")
        }
        let steps = 20
        for step in 1...steps {
            try await Task.sleep(for: .milliseconds(input.ms) / steps)
            context.progress(Double(step) / Double(steps), "Slept \(input.ms * step / steps) of \(input.ms) ms")
        }
        return Output(slept: input.ms)
    }
}
