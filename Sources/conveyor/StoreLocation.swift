import Conveyor
import ConveyorSQLite
import Foundation

/// A parsed `--store` URL: `sqlite:PATH` (relative to the working directory, or absolute) or
/// `memory:`.
enum StoreLocation: Equatable {
    case memory
    case sqlite(path: String)

    static let supported = "sqlite:PATH, memory:"

    init(_ text: String) throws {
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

    func open() throws -> any JobStore {
        switch self {
        case .memory: MemoryJobStore()
        case .sqlite(let path): try SQLiteJobStore(path: path)
        }
    }
}
