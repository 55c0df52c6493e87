import Foundation

/// One stage with its types erased, and — when its output is `Codable` — how to record that
/// output and read it back, which is what lets a later attempt start after it.
struct StageLink: Sendable {
    let name: String
    let weight: Double
    let run: @Sendable (any Sendable, JobContext) async throws -> any Sendable
    /// `nil` for a stage whose output is not `Codable` (an in-memory buffer): it is never resumed from.
    let encode: (@Sendable (any Sendable) throws -> Data)?
    let decode: (@Sendable (Data) throws -> any Sendable)?

    init<S: Stage>(_ stage: S) {
        name = stage.name
        weight = stage.weight
        // The builder matched every stage's input to the previous output, so the casts hold.
        run = { input, context in try await stage.run(input as! S.Input, context: context) }
        if S.Output.self is any Codable.Type {
            encode = { value in try JSONCoding.encode(AnyEncodable(base: value as! any Encodable)) }
            decode = { data in
                let type = S.Output.self as! any Decodable.Type
                return try StageLink.decoded(type, data) as! S.Output
            }
        } else {
            encode = nil
            decode = nil
        }
    }

    private static func decoded<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T { try JSONCoding.decode(type, from: data) }

    /// Encodes a value known only as `any Encodable`.
    private struct AnyEncodable: Encodable {
        let base: any Encodable
        func encode(to encoder: any Encoder) throws { try base.encode(to: encoder) }
    }
}

extension StageLink {
    /// The record of the pipeline's stage names, which tells a later attempt whether the other
    /// records still describe this pipeline. Job JSON leaves it out.
    static let shapeKey = "stages"

    static func key(_ index: Int) -> String { "stage/\(index)" }

    static func record(_ index: Int, _ name: String, attempt: Int, startedAt: Date, output: Data?) -> StepRecord {
        StepRecord(key: key(index), name: name, position: index, status: .completed, attempt: attempt, startedAt: startedAt, finishedAt: Date(), output: output)
    }
}
