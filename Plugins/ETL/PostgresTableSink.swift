import ConveyorPostgresConnection
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// Rows into a PostgreSQL table with `COPY … FROM STDIN`, one transaction per batch. A missing
/// table is created with column types from the first batch (bigint, double precision, boolean,
/// date or timestamptz, text); upsert adds a unique index on the key and goes through a
/// temporary staging table, the last row of a batch winning for a repeated key.
struct PostgresTableSink: RowSink {
    private let session: PostgresSession
    private let table: String
    private let mode: ETLDestination.Mode
    private let key: [String]
    /// The table rows go into: a scratch table for `replace`, swapped in at the end.
    private let target: String
    private var columns: [String]?
    private var closed = false

    private static let staging = "conveyor_staging"

    init(options: PostgresStoreOptions, table: String, mode: ETLDestination.Mode, key: [String], logger: Logger) throws {
        session = try PostgresSession.open(options, logger: logger, role: "destination")
        self.table = table
        self.mode = mode
        self.key = key
        target = mode == .replace ? String(table.prefix(40)) + "__conveyor_replace" : table
    }

    mutating func write(columns: [String], rows: [[ETLValue]]) throws {
        if self.columns == nil {
            try prepare(columns: columns, first: rows)
            self.columns = columns
        }
        guard !rows.isEmpty else { return }
        var buffer = ByteBuffer()
        PostgresValues.copyText(rows, into: &buffer)
        let copyInto = mode == .upsert ? Self.staging : target
        let merge = mode == .upsert ? upsertStatement(columns) : nil
        try session.run(doing: "write a batch to \(table)", transaction: true) { [buffer] connection, logger in
            try await connection.copyFrom(table: copyInto, columns: columns, logger: logger) { writer in try await writer.write(buffer) }
            if let merge { _ = try await connection.query(PostgresQuery(unsafeSQL: merge), logger: logger) }
        }
    }

    mutating func finish() throws {
        if mode == .replace, columns != nil {
            try session.execute(
                [
                    "DROP TABLE IF EXISTS \(PostgresSession.quoted(table))",
                    "ALTER TABLE \(PostgresSession.quoted(target)) RENAME TO \(PostgresSession.quoted(table))",
                    "ALTER INDEX IF EXISTS \(PostgresSession.quoted(target + "_key")) RENAME TO \(PostgresSession.quoted(table + "_key"))",
                ], transaction: true, doing: "swap in the new \(table)")
        }
        close()
    }

    mutating func abandon() {
        if mode == .replace, !closed {
            try? session.execute(["DROP TABLE IF EXISTS \(PostgresSession.quoted(target))"], doing: "drop the scratch table")
        }
        close()
    }

    private mutating func close() {
        guard !closed else { return }
        closed = true
        session.close()
    }

    /// Creates the table when it is missing (or always, for replace) and checks the columns when
    /// it exists; for upsert, makes the staging table.
    private func prepare(columns: [String], first rows: [[ETLValue]]) throws {
        for name in columns where name.contains("\"") || name.contains("\0") || name.utf8.count > 63 || name.isEmpty {
            throw ETLFailure("destination: column name \"\(name)\" cannot be used in PostgreSQL (1–63 bytes, no double quote); rename it with a transform")
        }
        for field in key where !columns.contains(field) {
            throw ETLFailure("destination.key: no column \"\(field)\"; the columns are \(columns.joined(separator: ", "))")
        }
        if mode == .replace { try session.execute(["DROP TABLE IF EXISTS \(PostgresSession.quoted(target))"], doing: "drop an old scratch table") }
        let target = target
        let existing = try session.run(doing: "look up table \(table)") { connection, logger in
            var names: [String] = []
            let rows = try await connection.query(
                "SELECT attname::text FROM pg_attribute WHERE attrelid = to_regclass(\(PostgresSession.quoted(target))) AND attnum > 0 AND NOT attisdropped",
                logger: logger)
            for try await name in rows.decode(String.self) { names.append(name) }
            return names
        }
        var statements: [String] = []
        if existing.isEmpty {
            let definitions = columns.enumerated().map { index, name in
                "\(PostgresSession.quoted(name)) \(Self.columnType(rows.lazy.map { $0[index] }))"
            }
            statements.append("CREATE TABLE \(PostgresSession.quoted(target)) (\(definitions.joined(separator: ", ")))")
            if !key.isEmpty {
                statements.append(
                    "CREATE UNIQUE INDEX \(PostgresSession.quoted(target + "_key")) ON \(PostgresSession.quoted(target)) (\(key.map(PostgresSession.quoted).joined(separator: ", ")))")
            }
        } else {
            let missing = columns.filter { !existing.contains($0) }
            guard missing.isEmpty else { throw ETLFailure("destination: table \(table) has no column \(missing.joined(separator: ", "))") }
        }
        if mode == .upsert {
            let names = columns.map(PostgresSession.quoted).joined(separator: ", ")
            statements += [
                "DROP TABLE IF EXISTS pg_temp.\(Self.staging)",
                "CREATE TEMP TABLE \(Self.staging) ON COMMIT DELETE ROWS AS SELECT \(names) FROM \(PostgresSession.quoted(target)) WITH NO DATA",
                "ALTER TABLE \(Self.staging) ADD COLUMN conveyor__row bigint GENERATED ALWAYS AS IDENTITY",
            ]
        }
        guard !statements.isEmpty else { return }
        try session.execute(statements, transaction: true, doing: "create table \(table)")
    }

    /// `INSERT … ON CONFLICT` from the staging table, one row per key (the batch's last).
    private func upsertStatement(_ columns: [String]) -> String {
        let names = columns.map(PostgresSession.quoted).joined(separator: ", ")
        let keys = key.map(PostgresSession.quoted).joined(separator: ", ")
        let updates = columns.filter { !key.contains($0) }.map { "\(PostgresSession.quoted($0)) = EXCLUDED.\(PostgresSession.quoted($0))" }
        return """
            INSERT INTO \(PostgresSession.quoted(target)) (\(names)) SELECT DISTINCT ON (\(keys)) \(names) FROM \(Self.staging) \
            ORDER BY \(keys), conveyor__row DESC ON CONFLICT (\(keys)) DO \(updates.isEmpty ? "NOTHING" : "UPDATE SET " + updates.joined(separator: ", "))
            """
    }

    /// The type of the first non-null value; text when every value is null. Dates that are all
    /// whole days make a `date` column, any time of day `timestamptz`.
    private static func columnType(_ values: some Sequence<ETLValue>) -> String {
        var sawDate = false
        for value in values {
            switch value {
            case .null: continue
            case .integer: return "bigint"
            case .boolean: return "boolean"
            case .real: return "double precision"
            case .text: return "text"
            case .date(let date):
                if date.timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400) != 0 { return "timestamptz" }
                sawDate = true
            }
        }
        return sawDate ? "date" : "text"
    }
}
