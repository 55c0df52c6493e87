public import Conveyor

/// `noop {}`: does nothing. What benchmarks run, to measure the runtime itself.
public struct NoopHandler: JobHandler {
    /// Takes no fields; any JSON object is accepted.
    public struct Input: Codable, Sendable {
        public init() {}
    }

    public struct Output: Codable, Sendable {}

    public static let name = "noop"
    public static let example: Input? = Input()

    public init() {}

    public func run(_ input: Input, context: JobContext) async throws -> Output { Output() }
}
