/// Rows read together: the column names, each row with its 1-based number, the rows the reader
/// itself refused (a CSV row with the wrong number of fields, a line that is not a JSON object),
/// and how far through the source it is (0…1, when known).
struct RowBatch {
    var columns: [String]
    var rows: [(number: Int, values: [ETLValue])] = []
    var rejected: [ETLResult.Rejection] = []
    var fraction: Double?
}
