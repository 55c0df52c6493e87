public import Conveyor
import ConveyorPostgres
public import ConveyorPostgresConnection
import ConveyorSQLite
import Foundation
public import Logging

/// A parsed store URL, as `--store` and `CONVEYOR_STORE` take it: `sqlite:PATH` (relative to the
/// working directory, or absolute), `postgres://USER:PASSWORD@HOST:PORT/DATABASE` or `memory:`.
/// Every binary that opens a store by URL — the CLI, the samples — goes through here, so they
/// accept the same URLs with the same errors.
public enum StoreLocation: Equatable, Sendable, CustomStringConvertible {
    case memory
    case sqlite(path: String)
    case postgres(PostgresStoreOptions)

    /// The accepted forms, for help texts and errors.
    public static let supported = "sqlite:PATH, postgres://USER:PASSWORD@HOST:PORT/DATABASE, memory:"

    /// Throws `invalidConfiguration` naming the store and what is supported; never echoes a password.
    public init(_ text: String) throws {
        if text == "memory:" {
            self = .memory
        } else if text.hasPrefix("sqlite:") {
            var path = String(text.dropFirst("sqlite:".count))
            // sqlite:///abs/path.db is the URL spelling of sqlite:/abs/path.db.
            if path.hasPrefix("//") { path.removeFirst(2) }
            guard !path.isEmpty else {
                throw ConveyorError(.invalidConfiguration, "store: 'sqlite:' needs a file path, e.g. sqlite:conveyor.db")
            }
            self = .sqlite(path: path)
        } else if PostgresStoreOptions.isPostgresURL(text) {
            self = .postgres(try PostgresStoreOptions(url: text))
        } else {
            throw ConveyorError(
                .invalidConfiguration, "store: '\(PostgresStoreOptions.redacted(text))' is not a supported store URL; supported: \(Self.supported)")
        }
    }

    /// The URL, with any password replaced by `***`: safe to log.
    public var description: String {
        switch self {
        case .memory: "memory:"
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let options): options.description
        }
    }

    /// Opens (creating and migrating where needed) the store.
    public func open(logger: Logger = Logger(label: "conveyor.store")) async throws -> any JobStore {
        switch self {
        case .memory: MemoryJobStore()
        case .sqlite(let path): try SQLiteJobStore(path: path)
        case .postgres(let options): try await PostgresJobStore.connect(options, logger: logger)
        }
    }

    /// Opens the store, runs `body`, and closes the store however `body` ends.
    public func withStore<T>(logger: Logger = Logger(label: "conveyor.store"), _ body: (any JobStore) async throws -> T) async throws -> T {
        let opened = try await open(logger: logger)
        let closable = opened as? any ClosableStore
        do {
            let value = try await body(opened)
            try await closable?.close()
            return value
        } catch {
            try? await closable?.close()
            throw error
        }
    }
}
