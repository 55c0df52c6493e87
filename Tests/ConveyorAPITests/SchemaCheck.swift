import Foundation

/// Checks a decoded JSON value against a JSON Schema as openapi.json writes them: `$ref`,
/// `allOf`, `oneOf`, `const`, `enum`, `type` (one or a list), `properties` + `required`,
/// `additionalProperties`, `items`. Stricter than JSON Schema on one point, on purpose: an
/// object may carry no field its schema does not list, so nothing sent goes undocumented.
struct SchemaCheck {
    let schemas: [String: Any]

    func problems(_ value: Any, _ schema: [String: Any], at path: String) -> [String] {
        if let ref = schema["$ref"] as? String {
            let name = String(ref.dropFirst("#/components/schemas/".count))
            guard let target = schemas[name] as? [String: Any] else { return ["\(path): unknown schema \(ref)"] }
            return problems(value, target, at: path)
        }
        if let parts = schema["allOf"] as? [[String: Any]] {
            return problems(value, merged(parts), at: path)
        }
        if let options = schema["oneOf"] as? [[String: Any]] {
            let each = options.map { problems(value, $0, at: path) }
            return each.contains { $0.isEmpty } ? [] : ["\(path): matches none of oneOf: \(each.flatMap { $0 }.joined(separator: "; "))"]
        }
        var found: [String] = []
        if let constant = schema["const"], !same(constant, value) { found.append("\(path): expected \(constant), got \(value)") }
        if let values = schema["enum"] as? [Any], !values.contains(where: { same($0, value) }) { found.append("\(path): \(value) is not in \(values)") }
        if let types = (schema["type"] as? [String]) ?? (schema["type"] as? String).map({ [$0] }), !types.contains(where: { matches(value, $0) }) {
            found.append("\(path): \(value) is not \(types.joined(separator: " or "))")
            return found
        }
        if let object = value as? [String: Any] {
            let properties = schema["properties"] as? [String: Any]
            for key in (schema["required"] as? [String] ?? []) where object[key] == nil { found.append("\(path): required field \(key) is missing") }
            for (key, field) in object.sorted(by: { $0.key < $1.key }) {
                if let fieldSchema = properties?[key] as? [String: Any] {
                    found += problems(field, fieldSchema, at: "\(path).\(key)")
                } else if let extra = schema["additionalProperties"] as? [String: Any] {
                    found += problems(field, extra, at: "\(path).\(key)")
                } else if properties != nil || schema["additionalProperties"] != nil {
                    found.append("\(path): field \(key) is not in the document")
                }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (index, item) in array.enumerated() { found += problems(item, items, at: "\(path)[\(index)]") }
        }
        return found
    }

    /// `allOf` of object schemas as one: properties and required fields of every part.
    private func merged(_ parts: [[String: Any]]) -> [String: Any] {
        var properties: [String: Any] = [:]
        var required: [String] = []
        for part in parts {
            var part = part
            if let ref = part["$ref"] as? String { part = schemas[String(ref.dropFirst("#/components/schemas/".count))] as? [String: Any] ?? [:] }
            properties.merge(part["properties"] as? [String: Any] ?? [:]) { first, _ in first }
            required += part["required"] as? [String] ?? []
        }
        return ["type": "object", "properties": properties, "required": required]
    }

    private func matches(_ value: Any, _ type: String) -> Bool {
        switch type {
        case "null": value is NSNull
        case "string": value is String
        case "boolean": value is Bool
        case "integer": (value as? NSNumber).map { $0.doubleValue.rounded() == $0.doubleValue } ?? false
        case "number": value is NSNumber
        case "object": value is [String: Any]
        case "array": value is [Any]
        default: false
        }
    }

    private func same(_ a: Any, _ b: Any) -> Bool {
        (a as? String).map { $0 == b as? String } ?? (a as? NSNumber).map { $0 == b as? NSNumber } ?? false
    }
}
