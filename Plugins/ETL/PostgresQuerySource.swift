import ConveyorPostgresConnection
import Foundation
import Logging
import PostgresNIO

/// Rows of a query on PostgreSQL, read through a cursor in a read-only transaction a thousand at
/// a time, so memory stays flat however many rows the query returns. Progress is rows done out
/// of the query's row count, taken first in the same snapshot.
struct PostgresQuerySource: RowSource {
    let options: PostgresStoreOptions
    let query: String
    let logger: Logger

    /// Rows asked of the cursor at a time; batches are cut from them by the runner's limits.
    private static let fetchSize = 1_000

    func read(rows limit: Int, bytes: Int, shouldStop: () -> Bool, _ body: (RowBatch) throws -> Void) throws {
        let session = try PostgresSession.open(options, logger: logger, role: "source")
        defer { session.close() }
        // A trailing `;` would end the statement the query is wrapped in.
        let query = String(query.reversed().drop { $0 == ";" || $0.isWhitespace }.reversed())
        try session.execute(["BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"], doing: "begin")
        let total = try session.run(doing: "count the query's rows") { connection, logger in
            let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM (\(query)) AS conveyor_source"), logger: logger)
            for try await row in rows { return try row.decode(Int64.self) }
            return 0
        }
        try session.execute(["DECLARE conveyor_etl NO SCROLL CURSOR FOR \(query)"], doing: "run the query")
        var builder = BatchBuilder(columns: [], rows: limit, bytes: bytes)
        var number = 0
        while true {
            let (columns, fetched) = try session.run(doing: "read the query's rows") { connection, logger in
                let rows = try await connection.query(PostgresQuery(unsafeSQL: "FETCH FORWARD \(Self.fetchSize) FROM conveyor_etl"), logger: logger)
                var values: [[ETLValue]] = []
                for try await row in rows { values.append(try row.map(PostgresValues.value)) }
                return (rows.columns.map(\.name), values)
            }
            builder.columns = columns
            for values in fetched {
                number += 1
                if builder.add(number, values) {
                    try body(builder.take(fraction: total > 0 ? min(1, Double(number) / Double(total)) : nil))
                    if shouldStop() { return }
                }
            }
            if fetched.count < Self.fetchSize { break }
        }
        try session.execute(["COMMIT"], doing: "end the read")
        try body(builder.take(fraction: 1))
    }
}
