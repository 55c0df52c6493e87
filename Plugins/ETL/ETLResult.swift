/// What an `etl` job did with every row it read: written, rejected (with reasons), or left out
/// on purpose by a filter or dedupe — `rowsRead` is always the sum of the three.
public struct ETLResult: Codable, Sendable, Hashable {
    /// A row that could not be loaded, and why.
    public struct Rejection: Codable, Sendable, Hashable {
        /// 1-based, counting data rows (not the CSV header).
        public var row: Int
        public var reason: String

        public init(row: Int, reason: String) {
            self.row = row
            self.reason = reason
        }
    }

    public var rowsRead: Int
    public var rowsWritten: Int
    public var rowsRejected: Int
    /// Rows a `filter` did not keep plus duplicates a `dedupe` dropped.
    public var rowsFiltered: Int
    /// The first 100 rejections.
    public var rejectSamples: [Rejection]
}
