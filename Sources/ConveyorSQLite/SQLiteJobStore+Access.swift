import Conveyor
import GRDB

extension SQLiteJobStore {
    /// One immediate write transaction on the writer connection, serialised with every other
    /// process's writes to the file. Store errors come out as one line, never SQL or arguments.
    func write<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.write(body)
        } catch let error as DatabaseError {
            throw storeError(error)
        }
    }

    /// A read on its own snapshot, beside the writer.
    func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch let error as DatabaseError {
            throw storeError(error)
        }
    }

    private func storeError(_ error: DatabaseError) -> ConveyorError {
        let problem = switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: "the database stayed locked by another process"
        case .SQLITE_FULL: "the disk is full"
        default: error.message ?? "SQLite error \(error.resultCode.rawValue)"
        }
        return ConveyorError(.storeUnavailable, "sqlite:\(path): \(problem)")
    }
}
