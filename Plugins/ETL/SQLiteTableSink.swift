import Foundation
import GRDB

/// Rows into a SQLite table. A missing table is created with column types taken from the first
/// batch (INTEGER, REAL or TEXT; booleans as 0/1, dates as ISO 8601 text); upsert adds a unique
/// index on the key. Each batch is one transaction with one prepared statement.
struct SQLiteTableSink: RowSink {
    private let queue: DatabaseQueue
    private let table: String
    private let mode: ETLDestination.Mode
    private let key: [String]
    /// The table rows go into: a scratch table for `replace`, swapped in at the end.
    private let target: String
    private var insert: String?

    init(file: ConfinedPath, table: String, mode: ETLDestination.Mode, key: [String]) throws {
        do {
            queue = try DatabaseQueue(path: file.path)
        } catch {
            throw ETLFailure(
                "destination: cannot open the SQLite database \(ConfinedPath.cut(file.given)): \(error)", isPermanent: !SQLiteQuerySource.isExhaustion(error))
        }
        try file.verifyUnchanged()
        self.table = table
        self.mode = mode
        self.key = key
        target = mode == .replace ? "\(table)__conveyor_replace" : table
    }

    mutating func write(columns: [String], rows: [[ETLValue]]) throws {
        if insert == nil { insert = try prepare(columns: columns, first: rows) }
        guard let sql = insert, !rows.isEmpty else { return }
        do {
            try queue.inTransaction { db in
                let statement = try db.cachedStatement(sql: sql)
                for row in rows {
                    // The column count was checked when the statement was made. The existential
                    // form: the generic one builds a key path per row.
                    statement.setUncheckedArguments(StatementArguments(row.map { Self.databaseValue($0) as (any DatabaseValueConvertible)? }))
                    try statement.execute()
                }
                return .commit
            }
        } catch let error as DatabaseError {
            throw ETLFailure("destination: writing to \(table) failed: \(error.message ?? "\(error)")", isPermanent: !SQLiteQuerySource.isExhaustion(error))
        }
    }

    mutating func finish() throws {
        guard mode == .replace, insert != nil else { return }
        try queue.inTransaction { db in
            try db.execute(sql: "DROP TABLE IF EXISTS \(table.quotedDatabaseIdentifier)")
            try db.execute(sql: "ALTER TABLE \(target.quotedDatabaseIdentifier) RENAME TO \(table.quotedDatabaseIdentifier)")
            return .commit
        }
    }

    mutating func abandon() {
        guard mode == .replace else { return }
        try? queue.write { db in try db.execute(sql: "DROP TABLE IF EXISTS \(target.quotedDatabaseIdentifier)") }
    }

    /// Creates the table when it is missing (or always, for replace), checks the columns when it
    /// exists, and returns the INSERT for them.
    private func prepare(columns: [String], first rows: [[ETLValue]]) throws -> String {
        let names = columns.map(\.quotedDatabaseIdentifier).joined(separator: ", ")
        let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        for field in key where !columns.contains(field) {
            throw ETLFailure("destination.key: no column \"\(field)\"; the columns are \(columns.joined(separator: ", "))")
        }
        try queue.write { db in
            if mode == .replace { try db.execute(sql: "DROP TABLE IF EXISTS \(target.quotedDatabaseIdentifier)") }
            if try db.tableExists(target) {
                let existing = Set(try db.columns(in: target).map(\.name))
                let missing = columns.filter { !existing.contains($0) }
                guard missing.isEmpty else {
                    throw ETLFailure("destination: table \(table) has no column \(missing.joined(separator: ", "))")
                }
            } else {
                let definitions = columns.enumerated().map { index, name in
                    "\(name.quotedDatabaseIdentifier) \(Self.columnType(rows.lazy.map { $0[index] }))"
                }
                try db.execute(sql: "CREATE TABLE \(target.quotedDatabaseIdentifier) (\(definitions.joined(separator: ", ")))")
                if !key.isEmpty {
                    let keyColumns = key.map(\.quotedDatabaseIdentifier).joined(separator: ", ")
                    try db.execute(sql: "CREATE UNIQUE INDEX \("\(target)_key".quotedDatabaseIdentifier) ON \(target.quotedDatabaseIdentifier) (\(keyColumns))")
                }
            }
        }
        var sql = "INSERT INTO \(target.quotedDatabaseIdentifier) (\(names)) VALUES (\(placeholders))"
        if mode == .upsert {
            let keyColumns = key.map(\.quotedDatabaseIdentifier).joined(separator: ", ")
            let updates = columns.filter { !key.contains($0) }.map { "\($0.quotedDatabaseIdentifier) = excluded.\($0.quotedDatabaseIdentifier)" }
            sql += " ON CONFLICT (\(keyColumns)) DO " + (updates.isEmpty ? "NOTHING" : "UPDATE SET \(updates.joined(separator: ", "))")
        }
        return sql
    }

    /// The type of the first non-null value; TEXT when every value is null.
    private static func columnType(_ values: some Sequence<ETLValue>) -> String {
        for value in values {
            switch value {
            case .null: continue
            case .integer, .boolean: return "INTEGER"
            case .real: return "REAL"
            case .text, .date: return "TEXT"
            }
        }
        return "TEXT"
    }

    private static func databaseValue(_ value: ETLValue) -> DatabaseValue {
        switch value {
        case .null: .null
        case .text(let text): text.databaseValue
        case .integer(let number): number.databaseValue
        case .real(let number): number.databaseValue
        case .boolean(let flag): (flag ? 1 : 0).databaseValue
        case .date(let date): ETLValue.iso8601(date).databaseValue
        }
    }
}
