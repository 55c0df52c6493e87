extension DecodingError {
    /// One line naming the field and the problem, e.g. `payload.ms: expected Int, found a string`.
    func fieldMessage(root: String) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.reduce(root) { text, key in
                if let index = key.intValue { return "\(text)[\(index)]" }
                return "\(text).\(key.stringValue)"
            }
        }
        switch self {
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): required field is missing"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(type), found null"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(type) (\(context.debugDescription))"
        case .dataCorrupted(let context):
            let detail = context.underlyingError.map { "\($0)" } ?? context.debugDescription
            return "\(path(context.codingPath)): \(detail)"
        @unknown default:
            return "\(root): \(self)"
        }
    }
}
