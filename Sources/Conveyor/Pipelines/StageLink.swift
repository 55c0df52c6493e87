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
    static let keyPrefix = "stage/"

    /// A stage's record key: its index, and the pipeline's shape, so records made when the
    /// pipeline had other stages are told apart (`stage/1@9f3c…`).
    static func key(_ index: Int, shape: String) -> String { "\(keyPrefix)\(index)@\(shape)" }

    /// The index in a stage record's key; `nil` for a key of another kind.
    static func index(inKey key: String) -> Int? {
        guard key.hasPrefix(keyPrefix), let at = key.firstIndex(of: "@") else { return nil }
        return Int(key[key.index(key.startIndex, offsetBy: keyPrefix.count)..<at])
    }

    /// The stages' names and order as 16 hex digits (FNV-1a, stable across processes and builds).
    static func shape(of names: [String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in names.joined(separator: "\u{1F}").utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
