public import Foundation

/// Any JSON value, decoded exactly: booleans stay booleans, whole numbers stay `Int64`. For
/// what has no fixed shape — payloads and results shown as themselves by the server, rows of
/// JSON Lines in ETL.
public enum JSONValue: Codable, Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Tries the narrowest reading first, so `1` stays an integer and `true` a boolean.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Writes the value back as it was read.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Stored JSON bytes as a value; bytes that are not JSON come back as a string, so nothing is lost.
    public init(json data: Data) {
        if let value = try? JSONDecoder().decode(JSONValue.self, from: data) {
            self = value
        } else {
            self = .string(String(decoding: data, as: UTF8.self))
        }
    }
}
