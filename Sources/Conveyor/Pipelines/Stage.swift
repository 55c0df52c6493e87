/// One step of a pipeline. Input and output need only be `Sendable`, so a stage can hand a
/// large in-memory buffer to the next without encoding it.
public protocol Stage: Sendable {
    associatedtype Input: Sendable
    associatedtype Output: Sendable

    /// Shown in progress events as `stage`.
    var name: String { get }
    /// This stage's share of the pipeline's progress, relative to the other stages' weights.
    var weight: Double { get }

    /// Does the stage's work; `context.progress` is relative to this stage (0…1).
    func run(_ input: Input, context: JobContext) async throws -> Output
}

extension Stage {
    public var weight: Double { 1 }
}
