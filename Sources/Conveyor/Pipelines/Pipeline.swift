/// Stages run one after another as a single job type. It registers like a handler; its
/// progress is the weighted sum of its stages' progress, never goes back, and names the stage.
///
/// ```swift
/// Pipeline("video-to-telegram") { DownloadVideo(); ProbeMedia(); UploadToTelegram() }
/// ```
public struct Pipeline<Input: Codable & Sendable, Output: Codable & Sendable>: Sendable {
    /// The job type name.
    public let name: String
    /// Queue, priority, retries and timeout for the pipeline's jobs.
    public var options: JobOptions
    /// Stage names and weights, in order.
    public var stages: [HandlerDescription.StageInfo] { chain.stages }
    /// A payload the pipeline accepts, shown by `GET /api/handlers` (see ``JobHandler/example``).
    public var example: Input?

    private let chain: StageChain<Input, Output>

    public init(
        _ name: String, options: JobOptions = JobOptions(), example: Input? = nil, @PipelineBuilder _ build: () -> StageChain<Input, Output>
    ) {
        self.name = name
        self.options = options
        self.example = example
        self.chain = build()
    }

    /// Runs every stage with a context whose progress maps into the stage's share.
    public func run(_ input: Input, context: JobContext) async throws -> Output {
        let weights = chain.stages.map { max(0, $0.weight) }
        let total = weights.reduce(0, +)
        var bounds: [Double] = [0]
        for weight in weights { bounds.append(bounds.last! + (total > 0 ? weight / total : 1 / Double(weights.count))) }
        let stages = chain.stages
        let frozenBounds = bounds
        return try await chain.body(input) { index in
            let upper = index == stages.count - 1 ? 1 : frozenBounds[index + 1]
            let stageContext = context.entering(stage: stages[index].name, from: frozenBounds[index], to: upper)
            stageContext.progress(0)
            return stageContext
        }
    }
}
