public import Conveyor
import ConveyorSQLite
import Foundation

/// A parsed store URL, as `--store` and `CONVEYOR_STORE` take it: `sqlite:PATH` (relative to the
/// working directory, or absolute) or `memory:`. Every binary that opens a store by URL — the
/// CLI, the samples — goes through here, so they accept the same URLs with the same errors.
public enum StoreLocation: Equatable, Sendable {
    case memory
    case sqlite(path: String)

    /// The accepted forms, for help texts and errors.
    public static let supported = "sqlite:PATH, memory:"

    /// Throws `invalidConfiguration` naming the store and what is supported.
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
        } else {
            throw ConveyorError(.invalidConfiguration, "store: '\(text)' is not a supported store URL; supported: \(Self.supported)")
        }
    }

    /// Opens (and for SQLite creates and migrates) the store.
    public func open() throws -> any JobStore {
        switch self {
        case .memory: MemoryJobStore()
        case .sqlite(let path): try SQLiteJobStore(path: path)
        }
    }

    /// Opens the store, runs `body`, and closes the store however `body` ends.
    public func withStore<T>(_ body: (any JobStore) async throws -> T) async throws -> T {
        let opened = try open()
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
