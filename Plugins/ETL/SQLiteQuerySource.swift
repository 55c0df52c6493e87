import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// Rows of a query on a SQLite database opened read-only, streamed with a cursor. Progress is
/// rows done out of the query's row count, taken first.
struct SQLiteQuerySource: RowSource {
    let file: ConfinedPath
    let query: String

    func read(rows limit: Int, bytes: Int, shouldStop: () -> Bool, _ body: (RowBatch) throws -> Void) throws {
        var configuration = Configuration()
        configuration.readonly = true
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: file.path, configuration: configuration)
        } catch {
            throw ETLFailure("source: cannot open the SQLite database \(ConfinedPath.cut(file.given)): \(error)", isPermanent: !Self.isExhaustion(error))
        }
        try file.verifyUnchanged()
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

    /// SQLite could not open a file because the machine ran out of descriptors or space.
    static func isExhaustion(_ error: any Error) -> Bool {
        guard let error = error as? DatabaseError else { return false }
        switch error.resultCode {
        case .SQLITE_FULL, .SQLITE_NOMEM: return true
        // SQLite keeps no reason for a file it could not open; the system's is still in errno.
        case .SQLITE_CANTOPEN, .SQLITE_IOERR: return ETLFailure.isExhaustion(errno)
        default: return false
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
