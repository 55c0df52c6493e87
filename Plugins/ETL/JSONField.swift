import Foundation

/// Any JSON value, decoded exactly (booleans stay booleans, integers stay integers): how JSON
/// Lines rows are read and written. Nested objects and arrays become their JSON text.
enum JSONField: Codable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONField])
    case object([String: JSONField])

    init(from decoder: any Decoder) throws {
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
        } else if let value = try? container.decode([JSONField].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONField].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
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

    var value: ETLValue {
        switch self {
        case .null: .null
        case .bool(let value): .boolean(value)
        case .integer(let value): .integer(value)
        case .number(let value): .real(value)
        case .string(let value): .text(value)
        case .array, .object:
            .text(String(decoding: (try? JSONField.encoder.encode(self)) ?? Data(), as: UTF8.self))
        }
    }

    init(_ value: ETLValue) {
        switch value {
        case .null: self = .null
        case .text(let text): self = .string(text)
        case .integer(let number): self = .integer(number)
        case .real(let number): self = .number(number)
        case .boolean(let flag): self = .bool(flag)
        case .date(let date): self = .string(ETLValue.iso8601(date))
        }
    }

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
