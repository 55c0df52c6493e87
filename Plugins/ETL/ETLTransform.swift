import Conveyor
/// One step applied to every row, in order.
public enum ETLTransform: Codable, Sendable, Hashable {
    /// The types `cast` converts text to.
    public enum FieldType: String, Codable, Sendable, CaseIterable {
        case int, double, bool, date
    }

    /// What `filter` keeps.
    public enum Condition: Sendable, Hashable {
        case equals(ETLValue)
        case notEquals(ETLValue)
        /// Numbers compare as numbers, dates as dates; anything else is a precondition failure.
        case greaterThan(ETLValue)
        case lessThan(ETLValue)
        /// `true` keeps rows where the field is null, `false` those where it is not.
        case isNull(Bool)
    }

    /// Keep these columns, in this order.
    case select([String])
    case rename(from: String, to: String)
    /// Convert the field; a value that does not convert rejects the row with the reason.
    case cast(field: String, to: FieldType)
    /// Keep rows that meet the condition; rows where it cannot be judged are rejected.
    case filter(field: String, Condition)
    /// Replace null with `value`.
    case fillDefault(field: String, value: ETLValue)
    /// Keep the first row of each key; later ones are counted as duplicates.
    case dedupe(key: [String])

    fileprivate struct Raw: Codable {
        var op: String
        var fields: [String]?
        var from: String?
        var to: String?
        var field: String?
        var equals: JSONValue?
        var notEquals: JSONValue?
        var gt: JSONValue?
        var lt: JSONValue?
        var isNull: Bool?
        var value: JSONValue?
        var key: [String]?
    }

    /// Validates the fields each op needs, naming the bad one.
    public init(from decoder: any Decoder) throws {
        let raw = try Raw(from: decoder)
        func fail(_ message: String) -> DecodingError {
            .dataCorrupted(DecodingError.Context(codingPath: decoder.codingPath, debugDescription: message))
        }
        func field() throws -> String {
            guard let field = raw.field, !field.isEmpty else { throw fail("field: required for \(raw.op)") }
            return field
        }
        switch raw.op {
        case "select":
            guard let fields = raw.fields, !fields.isEmpty else { throw fail("fields: select needs at least one field") }
            self = .select(fields)
        case "rename":
            guard let from = raw.from, let to = raw.to, !from.isEmpty, !to.isEmpty else { throw fail("rename needs from and to") }
            self = .rename(from: from, to: to)
        case "cast":
            guard let to = raw.to, let type = FieldType(rawValue: to) else {
                throw fail("to: \"\(raw.to ?? "")\" is not one of \(FieldType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            self = .cast(field: try field(), to: type)
        case "filter":
            let conditions: [Condition] = [
                raw.equals.map { .equals($0.value) }, raw.notEquals.map { .notEquals($0.value) }, raw.gt.map { .greaterThan($0.value) },
                raw.lt.map { .lessThan($0.value) }, raw.isNull.map { .isNull($0) },
            ].compactMap { $0 }
            guard conditions.count == 1, let condition = conditions.first else {
                throw fail("filter needs exactly one of equals, notEquals, gt, lt, isNull")
            }
            self = .filter(field: try field(), condition)
        case "default":
            guard let value = raw.value else { throw fail("value: required for default") }
            self = .fillDefault(field: try field(), value: value.value)
        case "dedupe":
            guard let key = raw.key, !key.isEmpty else { throw fail("key: dedupe needs at least one field") }
            self = .dedupe(key: key)
        default:
            throw fail("op: \"\(raw.op)\" is not one of select, rename, cast, filter, default, dedupe")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var raw = Raw(op: "")
        switch self {
        case .select(let fields): (raw.op, raw.fields) = ("select", fields)
        case .rename(let from, let to): (raw.op, raw.from, raw.to) = ("rename", from, to)
        case .cast(let field, let type): (raw.op, raw.field, raw.to) = ("cast", field, type.rawValue)
        case .filter(let field, let condition):
            (raw.op, raw.field) = ("filter", field)
            switch condition {
            case .equals(let value): raw.equals = JSONValue(value)
            case .notEquals(let value): raw.notEquals = JSONValue(value)
            case .greaterThan(let value): raw.gt = JSONValue(value)
            case .lessThan(let value): raw.lt = JSONValue(value)
            case .isNull(let flag): raw.isNull = flag
            }
        case .fillDefault(let field, let value): (raw.op, raw.field, raw.value) = ("default", field, JSONValue(value))
        case .dedupe(let key): (raw.op, raw.key) = ("dedupe", key)
        }
        try raw.encode(to: encoder)
    }
}

extension ETLTransform.Raw {
    fileprivate init(op: String) {
        self.init(op: op, fields: nil, from: nil, to: nil, field: nil, equals: nil, notEquals: nil, gt: nil, lt: nil, isNull: nil, value: nil, key: nil)
    }
}
