/// Where transformed rows are written, a batch at a time. Nothing a job wrote is visible in a
/// half-finished state where that can be avoided: files are written beside their target and
/// moved into place by `finish`, a replaced table is swapped in by `finish`.
protocol RowSink {
    /// Writes one batch (one transaction on SQL destinations).
    mutating func write(columns: [String], rows: [[ETLValue]]) throws
    /// Makes the output final.
    mutating func finish() throws
    /// Removes what an unfinished job left (temporary files and tables).
    mutating func abandon()
}
