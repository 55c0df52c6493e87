import Foundation
import GRDB

/// Rows of a query on a SQLite database opened read-only, streamed with a cursor. Progress is
/// rows done out of the query's row count, taken first.
struct SQLiteQuerySource: RowSource {
    let path: String
    let query: String

    func read(rows limit: Int, bytes: Int, shouldStop: () -> Bool, _ body: (RowBatch) throws -> Void) throws {
        var configuration = Configuration()
        configuration.readonly = true
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw ETLFailure("source: cannot open the SQLite database \(path): \(error)")
        }
        try queue.read { db in
            let statement: Statement
            let total: Int
            do {
                statement = try db.makeStatement(sql: query)
                total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (\(query))") ?? 0
            } catch let error as DatabaseError {
                throw ETLFailure("source: the query failed: \(error.message ?? "\(error)")")
            }
            var builder = BatchBuilder(columns: statement.columnNames, rows: limit, bytes: bytes)
            var number = 0
            let cursor = try Row.fetchCursor(statement)
            while let row = try cursor.next() {
                number += 1
                let values = (0..<builder.columns.count).map { Self.value(row[$0] as DatabaseValue) }
                if builder.add(number, values) {
                    try body(builder.take(fraction: total > 0 ? min(1, Double(number) / Double(total)) : nil))
                    if shouldStop() { return }
                }
            }
            try body(builder.take(fraction: 1))
        }
    }

    private static func value(_ value: DatabaseValue) -> ETLValue {
        switch value.storage {
        case .null: .null
        case .int64(let number): .integer(number)
        case .double(let number): .real(number)
        case .string(let text): .text(text)
        case .blob(let data): .text(data.base64EncodedString())
        }
    }
}
