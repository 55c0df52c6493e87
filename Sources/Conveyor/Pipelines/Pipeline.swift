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

    /// Runs the stages with a context whose progress maps into each stage's share. Each stage is
    /// recorded when it finishes, its output with it when `Codable`; a later attempt starts after
    /// the last stage it can read back (returning at once if that is the last), and runs again the
    /// ones after that. Recorded stages of a pipeline whose stages have changed since are dropped,
    /// and it starts from the first.
    public func run(_ input: Input, context: JobContext) async throws -> Output {
        let links = chain.links
        let weights = links.map { max(0, $0.weight) }
        let total = weights.reduce(0, +)
        var bounds: [Double] = [0]
        for weight in weights { bounds.append(bounds.last! + (total > 0 ? weight / total : 1 / Double(weights.count))) }
        var value: any Sendable = input
        var start = 0
        var shapeRecorded = false
        if let journal = context.journal {
            (start, value, shapeRecorded) = try await resumePoint(journal, input: input, logger: context.logger)
        }
        for index in start..<links.count {
            let upper = index == links.count - 1 ? 1 : bounds[index + 1]
            let stageContext = context.entering(stage: links[index].name, from: bounds[index], to: upper)
            stageContext.progress(0)
            let startedAt = Date()
            value = try await links[index].run(value, stageContext)
            try Task.checkCancellation()
            if let journal = context.journal {
                let output = links[index].encode.flatMap { encode in
                    journal.output({ try encode(value) }, step: links[index].name, logger: stageContext.logger)
                }
                var records = [StageLink.record(index, links[index].name, attempt: context.attempt, startedAt: startedAt, output: output)]
                if !shapeRecorded { records.append(shapeRecord(attempt: context.attempt)) }
                try await journal.save(records)
                shapeRecorded = true
            }
        }
        guard let output = value as? Output else { throw JobError.permanent("Pipeline '\(name)' ended with the wrong output type") }
        return output
    }

    /// Where an attempt starts: after the last stage whose output it can read back (its input for
    /// the next), or at the first. Also says whether the stages' names are already recorded.
    private func resumePoint(_ journal: StepJournal, input: Input, logger: Logger) async throws -> (Int, any Sendable, Bool) {
        let records = try await journal.records()
        guard let shape = records[StageLink.shapeKey] else { return (0, input, false) }
        guard shape.output == (try? JSONCoding.encode(chain.links.map(\.name))) else {
            logger.info("Pipeline stages changed since they were recorded; starting from the first stage", metadata: [
                "stages.recorded": "\(shape.output.map { String(decoding: $0, as: UTF8.self) } ?? "?")",
            ])
            try await journal.removeAll()
            return (0, input, false)
        }
        for index in stride(from: chain.links.count - 1, through: 0, by: -1) {
            guard let record = records[StageLink.key(index)], record.status == .completed, let data = record.output,
                let decode = chain.links[index].decode, let value = try? decode(data)
            else { continue }
            logger.info("Resuming after a stage recorded earlier", metadata: [
                "stage": "\(record.name)", "stage.attempt": "\(record.attempt)",
            ])
            return (index + 1, value, true)
        }
        return (0, input, true)
    }

    private func shapeRecord(attempt: Int) -> StepRecord {
        StepRecord(
            key: StageLink.shapeKey, name: "stages", position: -1, status: .completed, attempt: attempt, startedAt: Date(), finishedAt: Date(),
            output: try? JSONCoding.encode(chain.links.map(\.name)))
    }
}
