public import Conveyor

/// A handler: a named job type with typed input and output.
public struct Greet: JobHandler {
    public static let name = "greet"
    public struct Input: Codable, Sendable {
        public var name: String
        public init(name: String) { self.name = name }
    }

    public init() {}

    public func run(_ input: Input, context: JobContext) async throws -> String {
        "Hello, \(input.name)!"
    }
}
