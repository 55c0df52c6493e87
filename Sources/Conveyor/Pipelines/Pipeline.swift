import Foundation
import Logging

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

    /// Runs the stages with a context whose progress maps into each stage's share. Each stage but
    /// the last (whose output is the job's result, stored with its end) is recorded when it
    /// finishes, its output too when `Codable`; a later attempt starts after the last stage it can
    /// read back, with that output, and runs again the ones after it. Records made when the
    /// pipeline had other stages (names or order) are dropped, and it starts from the first.
    public func run(_ input: Input, context: JobContext) async throws -> Output {
        let links = chain.links
        let weights = links.map { max(0, $0.weight) }
        let total = weights.reduce(0, +)
        var bounds: [Double] = [0]
        for weight in weights { bounds.append(bounds.last! + (total > 0 ? weight / total : 1 / Double(weights.count))) }
        var value: any Sendable = input
        var start = 0
        if let journal = context.journal, links.count > 1 {
            (start, value) = try await resumePoint(journal, input: input, logger: context.logger)
        }
        for index in start..<links.count {
            let upper = index == links.count - 1 ? 1 : bounds[index + 1]
            let stageContext = context.entering(stage: links[index].name, from: bounds[index], to: upper)
            stageContext.progress(0)
            let startedAt = Date()
            value = try await links[index].run(value, stageContext)
            try Task.checkCancellation()
            if let journal = context.journal, index < links.count - 1 {
                let output = links[index].encode.flatMap { encode in
                    journal.output({ try encode(value) }, step: links[index].name, logger: stageContext.logger)
                }
                let key = StageLink.key(index, shape: chain.shape)
                try await journal.save([
                    StepRecord(
                        key: key, name: links[index].name, position: index, status: .completed, attempt: context.attempt, startedAt: startedAt,
                        finishedAt: Date(), output: output)
                ])
            }
        }
        guard let output = value as? Output else { throw JobError.permanent("Pipeline '\(name)' ended with the wrong output type") }
        return output
    }

    /// Where an attempt starts: after the last stage whose output it can read back (its input for
    /// the next), or at the first.
    private func resumePoint(_ journal: StepJournal, input: Input, logger: @autoclosure () -> Logger) async throws -> (Int, any Sendable) {
        let records = try await journal.records()
        guard !records.isEmpty else { return (0, input) }
        let stages = records.values.filter { $0.key.hasPrefix(StageLink.keyPrefix) }
        if !stages.isEmpty, !stages.contains(where: { $0.key.hasSuffix("@" + chain.shape) }) {
            logger().info("Pipeline stages changed since they were recorded; starting from the first stage", metadata: [
                "stages.recorded": "\(stages.sorted { $0.position < $1.position }.map(\.name))",
            ])
            try await journal.removeAll()
            return (0, input)
        }
        for index in stride(from: chain.links.count - 2, through: 0, by: -1) {
            guard let record = records[StageLink.key(index, shape: chain.shape)], record.status == .completed, let data = record.output,
                let decode = chain.links[index].decode, let value = try? decode(data)
            else { continue }
            logger().info("Resuming after a stage recorded earlier", metadata: [
                "stage": "\(record.name)", "stage.attempt": "\(record.attempt)",
            ])
            return (index + 1, value)
        }
        return (0, input)
    }
}
