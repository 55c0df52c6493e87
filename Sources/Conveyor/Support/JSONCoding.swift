import Foundation

/// The one place payloads and results are turned into JSON and back, so every store and
/// handler agrees on the format (ISO 8601 dates). The coders are made once: building them
/// per job was a measurable share of a no-op job's cost.
enum JSONCoding {
    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    private static let emptyObject = Data("{}".utf8)

    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try decoder.decode(type, from: data.isEmpty ? emptyObject : data)
    }

    static func encode<T: Encodable>(_ value: T) throws -> Data {
        try encoder.encode(value)
    }
}
