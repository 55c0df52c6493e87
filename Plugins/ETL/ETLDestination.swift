import Conveyor
import ConveyorPostgresConnection

/// Where rows go: a SQLite or PostgreSQL table, or a CSV or JSON Lines file (paths under the ETL
/// directory).
public enum ETLDestination: Codable, Sendable, Hashable {
    /// How rows meet what a table already holds.
    public enum Mode: String, Codable, Sendable, Hashable {
        /// Add the rows.
        case append
        /// The table ends up holding exactly these rows; until the job succeeds, the old rows stay.
        case replace
        /// Insert, or update the row with the same `key` (a unique index on it is made with the table).
        case upsert
    }

    /// A table in a SQLite database, created when missing with column types from the first batch.
    case sqlite(path: String, table: String, mode: Mode, key: [String])
    /// A table in PostgreSQL (`postgres://USER@HOST:PORT/DATABASE`; the password may come from
    /// `PGPASSFILE` rather than the payload), created when missing like a SQLite one, filled
    /// with `COPY`.
    case postgres(url: String, table: String, mode: Mode, key: [String])
    case csv(path: String)
    case jsonl(path: String)

    fileprivate struct Raw: Codable {
        var type: String
        var path: String?
        var url: String?
        var table: String?
        var mode: Mode?
        var key: [String]?
    }

    /// Validates the fields the type needs, naming the bad one.
    public init(from decoder: any Decoder) throws {
        let raw = try Raw(from: decoder)
        func fail(_ message: String) -> DecodingError {
            .dataCorrupted(DecodingError.Context(codingPath: decoder.codingPath, debugDescription: message))
        }
        func tableAndMode() throws -> (String, Mode, [String]) {
            guard let table = raw.table, Self.isIdentifier(table) else {
                throw fail("table: \"\(raw.table ?? "")\" must be letters, digits and _ (not starting with a digit)")
            }
            let mode = raw.mode ?? .append
            let key = raw.key ?? []
            guard mode != .upsert || !key.isEmpty else { throw fail("key: upsert needs the columns that identify a row") }
            return (table, mode, key)
        }
        if raw.type == "postgres" {
            guard let url = raw.url, PostgresStoreOptions.isPostgresURL(url) else { throw fail("url: required, postgres://USER@HOST:PORT/DATABASE") }
            do {
                _ = try PostgresStoreOptions(url: url)
            } catch let error as ConveyorError {
                throw fail("url" + error.message.dropFirst("store".count))
            }
            let (table, mode, key) = try tableAndMode()
            guard table.utf8.count <= 63 else { throw fail("table: \"\(table)\" is longer than PostgreSQL's 63-byte names") }
            self = .postgres(url: url, table: table, mode: mode, key: key)
            return
        }
        guard let path = raw.path, !path.isEmpty else { throw fail("path: required") }
        switch raw.type {
        case "sqlite":
            let (table, mode, key) = try tableAndMode()
            self = .sqlite(path: path, table: table, mode: mode, key: key)
        case "csv": self = .csv(path: path)
        case "jsonl": self = .jsonl(path: path)
        default: throw fail("type: \"\(raw.type)\" is not one of sqlite, postgres, csv, jsonl")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        let raw: Raw
        switch self {
        case .sqlite(let path, let table, let mode, let key): raw = Raw(type: "sqlite", path: path, table: table, mode: mode, key: key)
        case .postgres(let url, let table, let mode, let key): raw = Raw(type: "postgres", url: url, table: table, mode: mode, key: key)
        case .csv(let path): raw = Raw(type: "csv", path: path)
        case .jsonl(let path): raw = Raw(type: "jsonl", path: path)
        }
        try raw.encode(to: encoder)
    }

    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.first, first.isASCII, first.isLetter || first == "_", name.count <= 64 else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }
}
