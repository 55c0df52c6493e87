/// Reads a source's rows and hands them over in batches no larger than the limits, so memory
/// stays flat however large the source is.
protocol RowSource: Sendable {
    /// Calls `body` with each batch, in order; checks `shouldStop` between batches.
    func read(rows: Int, bytes: Int, shouldStop: () -> Bool, _ body: (RowBatch) throws -> Void) throws
}

/// Rough bytes a row holds in memory, for cutting batches by size.
func estimatedBytes(_ values: [ETLValue]) -> Int {
    values.reduce(16 * values.count) { total, value in
        if case .text(let text) = value { return total + text.utf8.count }
        return total
    }
}
