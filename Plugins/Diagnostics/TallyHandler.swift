public import Conveyor

/// `tally [items…]`: counts the items it is given — what a batch made of `items` and `chunkSize`
/// hands each job — and, run as a batch's callback, reports the batch as `context.batch` has it.
public struct TallyHandler: JobHandler {
    public typealias Input = [JSONValue]

    public struct Output: Codable, Sendable {
        /// How many items this job was given.
        public var items: Int
        /// The batch this job reports on, when it is one of a batch's callbacks.
        public var batch: Report?
    }

    /// A batch's counts as its callback saw them.
    public struct Report: Codable, Sendable {
        public var id: String
        public var total: Int
        public var completed: Int
        public var failed: Int
        public var cancelled: Int
    }

    public static let name = "tally"
    public static let example: Input? = [.string("a"), .string("b")]

    public init() {}

    public func run(_ input: Input, context: JobContext) async throws -> Output {
        Output(
            items: input.count,
            batch: context.batch.map { Report(id: $0.id.description, total: $0.total, completed: $0.completed, failed: $0.failed, cancelled: $0.cancelled) })
    }
}
