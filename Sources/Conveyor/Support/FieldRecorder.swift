import Foundation

/// Finds payload fields a handler's input never reads — a typo such as `captoin` for an optional
/// `caption` decodes fine and would silently be lost. `JSONDecoder` cannot say which keys a type
/// asked for, so the input is decoded a second time by this small decoder over the parsed JSON,
/// which records every key each object was asked for. An object whose keys the type enumerated
/// itself (a dictionary, a `JSONValue`) accepts whatever it holds.
///
/// It only ever adds a refusal after `JSONDecoder` accepted the payload; where it cannot follow
/// a type (a custom decoding it does not model), it reports nothing.
enum FieldRecorder {
    /// A field the input does not read: where (`payload.options`), its name, and the names that
    /// object is read for, in the order the type asked for them.
    struct Unknown: Equatable {
        var path: String
        var key: String
        var known: [String]
    }

    /// The first unknown field of `value` for `type`, by path then name; `nil` when every
    /// field is read (or the type could not be followed).
    static func firstUnknown<T: Decodable>(_ type: T.Type, in value: JSONValue, root: String) -> Unknown? {
        let log = Log()
        guard (try? T(from: Reader(value: value, path: [], log: log))) != nil else { return nil }
        var objects: [String: Visit] = [:]
        for visit in log.visits {
            let path = visit.path.reduce(root) { text, key in key.hasPrefix("[") ? text + key : text + "." + key }
            if let seen = objects[path] {
                seen.enumerated = seen.enumerated || visit.enumerated
                for key in visit.requested where !seen.requested.contains(key) { seen.requested.append(key) }
            } else {
                objects[path] = visit
            }
        }
        for path in objects.keys.sorted() {
            guard let visit = objects[path], !visit.enumerated else { continue }
            if let key = visit.present.filter({ !visit.requested.contains($0) }).sorted().first {
                return Unknown(path: path, key: key, known: visit.requested)
            }
        }
        return nil
    }

    /// The top-level fields `type` reads when decoding `value`, in the order it asks for them:
    /// one it checks for first (`decodeIfPresent`) is optional, one it decodes outright required.
    /// Empty when `value` does not decode, or when the type reads whatever keys it is given.
    static func fields<T: Decodable>(_ type: T.Type, in value: JSONValue) -> [PayloadDescription.Field] {
        let log = Log()
        guard (try? T(from: Reader(value: value, path: [], log: log))) != nil else { return [] }
        let top = log.visits.filter(\.path.isEmpty)
        guard !top.contains(where: \.enumerated) else { return [] }
        var fields: [PayloadDescription.Field] = []
        let given: [String: JSONValue]
        if case .object(let object) = value { given = object } else { given = [:] }
        for visit in top {
            for key in visit.requested where !fields.contains(where: { $0.name == key }) {
                fields.append(PayloadDescription.Field(name: key, required: !visit.checked.contains(key), type: given[key].flatMap(Self.kind)))
            }
        }
        return fields
    }

    private static func kind(_ value: JSONValue) -> String? {
        switch value {
        case .null: nil
        case .bool: "boolean"
        case .integer, .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// One keyed container's object: its non-null keys and what was asked of it.
    private final class Visit {
        let path: [String]
        let present: [String]
        var requested: [String] = []
        /// Keys asked about before being read: optional ones.
        var checked: Set<String> = []
        var enumerated = false
        init(path: [String], present: [String]) {
            self.path = path
            self.present = present
        }
    }

    private final class Log {
        var visits: [Visit] = []
    }

    private struct Failure: Error {}

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int?
        init(stringValue: String) { self.stringValue = stringValue }
        init(intValue: Int) {
            stringValue = "[\(intValue)]"
            self.intValue = intValue
        }
    }

    private struct Reader: Decoder {
        let value: JSONValue
        let path: [String]
        let log: Log
        var codingPath: [any CodingKey] { path.map(Key.init(stringValue:)) }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<K: CodingKey>(keyedBy type: K.Type) throws -> KeyedDecodingContainer<K> {
            guard case .object(let fields) = value else { throw Failure() }
            let visit = Visit(path: path, present: fields.filter { $0.value != .null }.map(\.key))
            log.visits.append(visit)
            return KeyedDecodingContainer(Keyed<K>(fields: fields, visit: visit, reader: self))
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            guard case .array(let items) = value else { throw Failure() }
            return Unkeyed(items: items, reader: self)
        }

        func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(reader: self) }

        func child(_ value: JSONValue, _ key: String) -> Reader { Reader(value: value, path: path + [key], log: log) }

        /// Primitives from the JSON value; anything else through its own `init(from:)`.
        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            switch value {
            case .bool(let flag) where type == Bool.self: return flag as! T
            case .string(let text) where type == String.self: return text as! T
            case .integer(let number):
                if let result = Self.number(Double(number), as: type) { return result }
            case .number(let number):
                if let result = Self.number(number, as: type) { return result }
            default: break
            }
            // A primitive that did not match is a mismatch (a type trying one reading, then
            // another): never ask the primitive to decode itself, which would ask again forever.
            if Self.isPrimitive(type) { throw Failure() }
            // Foundation types JSONDecoder reads from strings; only their presence matters here.
            if case .string = value {
                if type == Date.self { return Date() as! T }
                if type == Data.self { return Data() as! T }
            }
            return try T(from: self)
        }

        private static func isPrimitive<T>(_ type: T.Type) -> Bool {
            type == Bool.self || type == String.self || number(0, as: type) != nil
        }

        private static func number<T>(_ number: Double, as type: T.Type) -> T? {
            switch type {
            case is Double.Type: number as? T
            case is Float.Type: Float(number) as? T
            case is Int.Type: Int(exactly: number) as? T
            case is Int64.Type: Int64(exactly: number) as? T
            case is Int32.Type: Int32(exactly: number) as? T
            case is Int16.Type: Int16(exactly: number) as? T
            case is Int8.Type: Int8(exactly: number) as? T
            case is UInt.Type: UInt(exactly: number) as? T
            case is UInt64.Type: UInt64(exactly: number) as? T
            case is UInt32.Type: UInt32(exactly: number) as? T
            case is UInt16.Type: UInt16(exactly: number) as? T
            case is UInt8.Type: UInt8(exactly: number) as? T
            default: nil
            }
        }
    }

    private struct Keyed<K: CodingKey>: KeyedDecodingContainerProtocol {
        let fields: [String: JSONValue]
        let visit: Visit
        let reader: Reader
        var codingPath: [any CodingKey] { reader.codingPath }
        var allKeys: [K] {
            visit.enumerated = true
            return fields.keys.compactMap { K(stringValue: $0) }
        }

        private func note(_ key: K) {
            if !visit.requested.contains(key.stringValue) { visit.requested.append(key.stringValue) }
        }

        private func field(_ key: K) throws -> JSONValue {
            note(key)
            guard let value = fields[key.stringValue] else { throw Failure() }
            return value
        }

        func contains(_ key: K) -> Bool {
            if !visit.requested.contains(key.stringValue) { visit.checked.insert(key.stringValue) }
            note(key)
            return fields[key.stringValue] != nil
        }

        func decodeNil(forKey key: K) throws -> Bool { try field(key) == .null }

        func decode<T: Decodable>(_ type: T.Type, forKey key: K) throws -> T {
            try reader.child(try field(key), key.stringValue).decode(type)
        }

        func nestedContainer<N: CodingKey>(keyedBy type: N.Type, forKey key: K) throws -> KeyedDecodingContainer<N> {
            try reader.child(try field(key), key.stringValue).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: K) throws -> any UnkeyedDecodingContainer {
            try reader.child(try field(key), key.stringValue).unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder { reader }
        func superDecoder(forKey key: K) throws -> any Decoder { reader.child(try field(key), key.stringValue) }
    }

    private struct Unkeyed: UnkeyedDecodingContainer {
        let items: [JSONValue]
        let reader: Reader
        var currentIndex = 0
        var codingPath: [any CodingKey] { reader.codingPath }
        var count: Int? { items.count }
        var isAtEnd: Bool { currentIndex >= items.count }

        private mutating func next() throws -> Reader {
            guard !isAtEnd else { throw Failure() }
            defer { currentIndex += 1 }
            return reader.child(items[currentIndex], "[\(currentIndex)]")
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd else { throw Failure() }
            if items[currentIndex] == .null {
                currentIndex += 1
                return true
            }
            return false
        }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decode(type) }
        mutating func nestedContainer<N: CodingKey>(keyedBy type: N.Type) throws -> KeyedDecodingContainer<N> { try next().container(keyedBy: type) }
        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
        mutating func superDecoder() throws -> any Decoder { try next() }
    }

    private struct Single: SingleValueDecodingContainer {
        let reader: Reader
        var codingPath: [any CodingKey] { reader.codingPath }
        func decodeNil() -> Bool { reader.value == .null }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try reader.decode(type) }
    }
}
