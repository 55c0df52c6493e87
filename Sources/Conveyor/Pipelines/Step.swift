/// A stage written as a closure, for pipelines whose steps are too small to deserve a type.
public struct Step<Input: Sendable, Output: Sendable>: Stage {
    public let name: String
    public let weight: Double
    private let body: @Sendable (Input, JobContext) async throws -> Output

    public init(_ name: String, weight: Double = 1, _ body: @escaping @Sendable (Input, JobContext) async throws -> Output) {
        self.name = name
        self.weight = weight
        self.body = body
    }

    public func run(_ input: Input, context: JobContext) async throws -> Output {
        try await body(input, context)
    }
}
