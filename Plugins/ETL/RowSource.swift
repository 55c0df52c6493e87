/// Reads a source's rows and hands them over in batches no larger than the limits, so memory
/// stays flat however large the source is.
protocol RowSource: Sendable {
    /// Calls `body` with each batch, in order; checks `shouldStop` between batches.
    func read(rows: Int, bytes: Int, shouldStop: () -> Bool, _ body: (RowBatch) throws -> Void) throws
}
