import Foundation

/// The payload's transforms bound to a source's columns, applied row by row.
struct TransformChain {
    enum Outcome {
        case keep([ETLValue])
        case reject(String)
        /// Left out on purpose: a filter did not keep it, or it repeats a dedupe key.
        case filtered
    }

    private enum Step {
        case select([Int])
        case cast(Int, String, ETLTransform.FieldType)
        case filter(Int, String, ETLTransform.Condition)
        case fillDefault(Int, ETLValue)
        case dedupe([Int], id: Int)
    }

    /// The columns rows have after every step.
    let columns: [String]
    private let steps: [Step]
    private var seenKeys: [Int: Set<[ETLValue]>] = [:]

    /// Binds `transforms` to `input`; a field that does not exist at its step fails the job.
    init(_ transforms: [ETLTransform], input: [String]) throws {
        var columns = input
        var steps: [Step] = []
        func index(_ field: String, _ position: Int, _ op: String) throws -> Int {
            guard let index = columns.firstIndex(of: field) else {
                throw ETLFailure("transform[\(position)] (\(op)): no field \"\(field)\"; the fields are \(columns.joined(separator: ", "))")
            }
            return index
        }
        for (position, transform) in transforms.enumerated() {
            switch transform {
            case .select(let fields):
                steps.append(.select(try fields.map { try index($0, position, "select") }))
                columns = fields
            case .rename(let from, let to):
                let at = try index(from, position, "rename")
                guard !columns.contains(to) || to == from else { throw ETLFailure("transform[\(position)] (rename): \"\(to)\" already exists") }
                columns[at] = to
            case .cast(let field, let type):
                steps.append(.cast(try index(field, position, "cast"), field, type))
            case .filter(let field, let condition):
                steps.append(.filter(try index(field, position, "filter"), field, condition))
            case .fillDefault(let field, let value):
                steps.append(.fillDefault(try index(field, position, "default"), value))
            case .dedupe(let key):
                steps.append(.dedupe(try key.map { try index($0, position, "dedupe") }, id: position))
            }
        }
        self.columns = columns
        self.steps = steps
    }

    mutating func apply(_ input: [ETLValue]) -> Outcome {
        var row = input
        for step in steps {
            switch step {
            case .select(let indices):
                row = indices.map { row[$0] }
            case .cast(let index, let field, let type):
                guard let value = Self.cast(row[index], to: type) else {
                    return .reject("\(field): \"\(row[index].text ?? "")\" is not \(type == .int ? "an" : "a") \(type.rawValue)")
                }
                row[index] = value
            case .filter(let index, let field, let condition):
                switch Self.holds(condition, for: row[index]) {
                case true?: continue
                case false?: return .filtered
                case nil: return .reject("\(field): \"\(row[index].text ?? "null")\" cannot be compared with \(Self.describe(condition))")
                }
            case .fillDefault(let index, let value):
                if row[index] == .null { row[index] = value }
            case .dedupe(let indices, let id):
                let key = indices.map { row[$0] }
                if !seenKeys[id, default: []].insert(key).inserted { return .filtered }
            }
        }
        return .keep(row)
    }

    static func cast(_ value: ETLValue, to type: ETLTransform.FieldType) -> ETLValue? {
        if value == .null { return .null }
        switch (type, value) {
        case (.int, .integer), (.double, .real), (.bool, .boolean), (.date, .date): return value
        case (.int, .real(let number)): return Int64(exactly: number).map(ETLValue.integer)
        case (.double, .integer(let number)): return .real(Double(number))
        case (.bool, .integer(let number)) where number == 0 || number == 1: return .boolean(number == 1)
        case (_, .text(let raw)):
            let text = trimmed(raw)
            switch type {
            case .int: return Int64(text).map(ETLValue.integer)
            case .double: return Double(text).flatMap { $0.isFinite ? ETLValue.real($0) : nil }
            case .bool:
                switch text.lowercased() {
                case "true", "t", "yes", "y", "1": return .boolean(true)
                case "false", "f", "no", "n", "0": return .boolean(false)
                default: return nil
                }
            case .date: return parseDate(text).map(ETLValue.date)
            }
        default: return nil
        }
    }

    /// `text` without surrounding spaces and tabs; as it is (no copy) in the usual case of none —
    /// Foundation's trimming bridges through NSString and was a fifth of a load's time.
    static func trimmed(_ text: String) -> String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.first, let last = text.last, blank(first) || blank(last) else { return text }
        return String(text.drop(while: blank).reversed().drop(while: blank).reversed())
    }

    /// `2026-11-23` or a full ISO 8601 instant (`2026-11-23T18:51:28Z`, with any offset).
    static func parseDate(_ text: String) -> Date? {
        if let day = CivilDate(text) { return day.date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }

    /// `true`/`false` when the condition can be judged, `nil` when it cannot (a number compared with text).
    static func holds(_ condition: ETLTransform.Condition, for value: ETLValue) -> Bool? {
        switch condition {
        case .isNull(let wanted): return (value == .null) == wanted
        case .equals(let other): return same(value, other)
        case .notEquals(let other): return !same(value, other)
        case .greaterThan(let other): return order(value, other).map { $0 > 0 }
        case .lessThan(let other): return order(value, other).map { $0 < 0 }
        }
    }

    private static func same(_ value: ETLValue, _ other: ETLValue) -> Bool {
        if let result = order(value, other) { return result == 0 }
        return value.text == other.text
    }

    /// Compares numbers as numbers and dates as dates (text that reads as one counts); `nil` otherwise.
    private static func order(_ value: ETLValue, _ other: ETLValue) -> Int? {
        if let left = number(value), let right = number(other) { return left < right ? -1 : (left > right ? 1 : 0) }
        if let left = date(value), let right = date(other) { return left < right ? -1 : (left > right ? 1 : 0) }
        return nil
    }

    private static func number(_ value: ETLValue) -> Double? {
        switch value {
        case .integer(let number): Double(number)
        case .real(let number): number
        case .text(let text): Double(trimmed(text))
        default: nil
        }
    }

    private static func date(_ value: ETLValue) -> Date? {
        switch value {
        case .date(let date): date
        case .text(let text): parseDate(text)
        default: nil
        }
    }

    private static func describe(_ condition: ETLTransform.Condition) -> String {
        switch condition {
        case .greaterThan(let value): "gt \(value.text ?? "null")"
        case .lessThan(let value): "lt \(value.text ?? "null")"
        case .equals(let value): "equals \(value.text ?? "null")"
        case .notEquals(let value): "notEquals \(value.text ?? "null")"
        case .isNull: "isNull"
        }
    }
}
