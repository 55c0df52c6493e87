import Conveyor
import ConveyorCurl
import ConveyorPostgresConnection

/// Where rows come from: a CSV or JSON Lines file (a path under the ETL directory, or an
/// http(s) URL), or a query on a SQLite or PostgreSQL database.
public enum ETLSource: Codable, Sendable, Hashable {
    /// A file by path or URL.
    public enum Location: Sendable, Hashable {
        case path(String)
        case url(String)
    }

    /// Comma-separated (or `delimiter`-separated) values with a header row; quoted fields,
    /// embedded newlines, CRLF and a UTF-8 BOM are handled. Empty fields are null.
    case csv(Location, delimiter: Character = ",")
    /// One JSON object per line.
    case jsonl(Location)
    /// `SELECT …` on a SQLite database opened read-only (`store` is `sqlite:PATH`), or on
    /// PostgreSQL in a read-only transaction (`postgres://USER@HOST:PORT/DATABASE`; the password
    /// may come from `PGPASSFILE` rather than the payload, which is stored and shown).
    case sql(store: String, query: String)

    fileprivate struct Raw: Codable {
        var type: String
        var path: String?
        var url: String?
        var delimiter: String?
        var store: String?
        var query: String?
    }

    /// Validates the fields the type needs, naming the bad one.
    public init(from decoder: any Decoder) throws {
        let raw = try Raw(from: decoder)
        func fail(_ message: String) -> DecodingError {
            .dataCorrupted(DecodingError.Context(codingPath: decoder.codingPath, debugDescription: message))
        }
        func location() throws -> Location {
            switch (raw.path, raw.url) {
            case (let path?, nil): return .path(path)
            case (nil, let url?):
                if let problem = FetchableURL.problem(with: url) { throw fail("url: \(problem)") }
                return .url(url)
            default: throw fail("give exactly one of path and url")
            }
        }
        switch raw.type {
        case "csv":
            let delimiter = raw.delimiter ?? ","
            guard delimiter.count == 1, let character = delimiter.first, character != "\"", !character.isNewline else {
                throw fail("delimiter: \"\(delimiter)\" must be one character other than a quote or a line break")
            }
            self = .csv(try location(), delimiter: character)
        case "jsonl":
            self = .jsonl(try location())
        case "sql":
            guard let store = raw.store, let query = raw.query, !query.isEmpty else { throw fail("a sql source needs store and query") }
            if PostgresStoreOptions.isPostgresURL(store) {
                do {
                    _ = try PostgresStoreOptions(url: store)
                } catch let error as ConveyorError {
                    throw fail(error.message)
                }
            } else if !store.hasPrefix("sqlite:") {
                throw fail("store: \"\(PostgresStoreOptions.redacted(store))\" must be sqlite:PATH or postgres://USER@HOST:PORT/DATABASE")
            }
            self = .sql(store: store, query: query)
        default:
            throw fail("type: \"\(raw.type)\" is not one of csv, jsonl, sql")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var raw: Raw
        switch self {
        case .csv(let location, let delimiter):
            raw = Raw(type: "csv", delimiter: delimiter == "," ? nil : String(delimiter))
            raw.set(location)
        case .jsonl(let location):
            raw = Raw(type: "jsonl")
            raw.set(location)
        case .sql(let store, let query):
            raw = Raw(type: "sql", store: store, query: query)
        }
        try raw.encode(to: encoder)
    }
}

extension ETLSource.Raw {
    fileprivate init(type: String, delimiter: String? = nil, store: String? = nil, query: String? = nil) {
        self.init(type: type, path: nil, url: nil, delimiter: delimiter, store: store, query: query)
    }

    fileprivate mutating func set(_ location: ETLSource.Location) {
        switch location {
        case .path(let path): self.path = path
        case .url(let url): self.url = url
        }
    }
}
