import Conveyor
import Foundation

/// JSON Lines rows are read and written as `JSONValue`s; nested objects and arrays become their
/// JSON text.
extension JSONValue {
    var value: ETLValue {
        switch self {
        case .null: .null
        case .bool(let value): .boolean(value)
        case .integer(let value): .integer(value)
        case .number(let value): .real(value)
        case .string(let value): .text(value)
        case .array, .object:
            .text(String(decoding: (try? JSONValue.encoder.encode(self)) ?? Data(), as: UTF8.self))
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
