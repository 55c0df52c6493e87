/// Gathers a source's rows into batches cut at the row and byte limits, so every source hands
/// over the same-sized pieces and memory stays flat.
struct BatchBuilder {
    private let rowLimit: Int
    private let byteLimit: Int
    private(set) var batch: RowBatch
    private var held = 0

    init(columns: [String], rows: Int, bytes: Int) {
        rowLimit = rows
        byteLimit = bytes
        batch = RowBatch(columns: columns)
    }

    /// The column names, once the source knows them.
    var columns: [String] {
        get { batch.columns }
        set { batch.columns = newValue }
    }

    /// Adds a row; `true` when the batch is now full.
    mutating func add(_ number: Int, _ values: [ETLValue]) -> Bool {
        held += Self.estimatedBytes(values)
        batch.rows.append((number, values))
        return batch.rows.count >= rowLimit || held >= byteLimit
    }

    /// A row the reader itself refused.
    mutating func reject(_ rejection: ETLResult.Rejection) {
        batch.rejected.append(rejection)
    }

    /// Hands out the batch, `fraction` of the way through the source, and starts the next.
    mutating func take(fraction: Double?) -> RowBatch {
        var full = batch
        full.fraction = fraction
        batch = RowBatch(columns: batch.columns)
        held = 0
        return full
    }

    /// Rough bytes a row holds in memory.
    static func estimatedBytes(_ values: [ETLValue]) -> Int {
        values.reduce(16 * values.count) { total, value in
            if case .text(let text) = value { return total + text.utf8.count }
            return total
        }
    }
}
