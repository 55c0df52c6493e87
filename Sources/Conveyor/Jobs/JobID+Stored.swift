extension JobID {
    /// How SQL stores keep a list of ids in one column: comma-separated, `nil` for none (so the
    /// common job without dependencies stores nothing).
    public static func stored(_ ids: [JobID]) -> String? {
        ids.isEmpty ? nil : ids.map(\.description).joined(separator: ",")
    }

    /// The ids ``stored(_:)`` wrote. Throws `.storeUnavailable` naming the column for anything else.
    public static func stored(_ text: String?, column: String) throws -> [JobID] {
        guard let text, !text.isEmpty else { return [] }
        return try text.split(separator: ",").map { part in
            guard let id = JobID(String(part)) else {
                throw ConveyorError(.storeUnavailable, "\(column): '\(part.prefix(40))' is not a job id")
            }
            return id
        }
    }
}
