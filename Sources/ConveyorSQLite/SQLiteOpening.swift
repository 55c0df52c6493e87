import Conveyor
import Foundation
import GRDB

/// The checks before a database file is opened for writing, and the one-line explanations of
/// what went wrong: an operator should read the path and the fix, not an SQLite error code.
struct SQLiteOpening {
    let path: String
    let options: SQLiteStoreOptions

    private static let header = Data("SQLite format 3\0".utf8)

    /// Refuses a directory, an unreadable or unwritable file, a file that is not SQLite, or a
    /// missing or unwritable directory for a new file, before SQLite creates anything.
    func checkFile() throws {
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        if files.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { throw failure("is a directory, not a database file") }
            guard files.isReadableFile(atPath: path), files.isWritableFile(atPath: path) else {
                throw failure("the file is not readable and writable by this user")
            }
            guard let handle = FileHandle(forReadingAtPath: path) else { throw failure("the file cannot be opened") }
            defer { try? handle.close() }
            let start = (try? handle.read(upToCount: Self.header.count)) ?? Data()
            if !start.isEmpty && start != Self.header {
                throw failure("not a SQLite database (the file does not start with the SQLite header)")
            }
        } else {
            let directory = (path as NSString).deletingLastPathComponent
            guard files.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw failure("the directory \(directory) does not exist")
            }
            guard files.isWritableFile(atPath: directory) else {
                throw failure("cannot create the database: the directory \(directory) is not writable")
            }
        }
    }

    /// Reads an existing database without writing to it: a newer schema, or another
    /// application's tables, are refused with the file as it was.
    func checkSchema() throws {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size > 0 else { return }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(options.busyTimeout.seconds)
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            try queue.read { db in
                if try SQLiteSchema.migrator.hasBeenSuperseded(db) {
                    let known = Set(SQLiteSchema.migrator.migrations)
                    let unknown = try SQLiteSchema.migrator.appliedIdentifiers(db).subtracting(known).sorted()
                    throw failure("the schema is newer than this build of Conveyor (unknown migrations: \(unknown.joined(separator: ", "))); upgrade conveyor")
                }
                let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                if !tables.isEmpty && !tables.contains("grdb_migrations") {
                    throw failure("holds another application's tables (\(tables.prefix(3).joined(separator: ", "))); use a file of its own")
                }
                // A damaged file would start and then fail every call: refuse it, untouched.
                let check = try String.fetchAll(db, sql: "PRAGMA quick_check(3)")
                if check != ["ok"] {
                    throw failure("the database file is corrupt (SQLite's quick_check: \(check.joined(separator: "; "))); restore it from a backup")
                }
                let applied = try SQLiteSchema.migrator.appliedIdentifiers(db)
                if applied.contains("v1-jobs") {
                    let columns = Set(try Row.fetchAll(db, sql: "PRAGMA table_info(jobs)").map { $0["name"] as String })
                    let missing = SQLiteColumns.names.filter { name in
                        !columns.contains(name) && SQLiteColumns.addedByMigration[name].map(applied.contains) != false
                    }
                    if !missing.isEmpty {
                        throw failure("its jobs table is not Conveyor's (missing columns: \(missing.prefix(5).joined(separator: ", "))); restore it from a backup")
                    }
                }
            }
        } catch let error as ConveyorError {
            throw error
        } catch {
            throw explain(error)
        }
    }

    func openPool() throws -> DatabasePool {
        var configuration = Configuration()
        configuration.busyMode = .timeout(options.busyTimeout.seconds)
        configuration.maximumReaderCount = options.readers
        let cacheKiB = max(options.cacheSize / 1024, 256)
        configuration.prepareDatabase { db in
            try db.execute(sql: """
                PRAGMA synchronous = NORMAL; PRAGMA cache_size = -\(cacheKiB);
                PRAGMA wal_autocheckpoint = \(SQLiteCheckpointer.writerThreshold); PRAGMA journal_size_limit = \(64 << 20)
                """)
        }
        do {
            return try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw explain(error)
        }
    }

    /// One line for an error met while opening or migrating.
    func explain(_ error: any Error) -> ConveyorError {
        if let error = error as? ConveyorError { return error }
        guard let error = error as? DatabaseError else { return failure("\(error)") }
        switch error.resultCode {
        case .SQLITE_NOTADB: return failure("not a SQLite database")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return failure("the database is locked by another process (gave up after \(DurationText.format(options.busyTimeout)))")
        case .SQLITE_CANTOPEN: return failure("cannot open the file (check the path and its permissions)")
        case .SQLITE_READONLY: return failure("the database is read-only for this user")
        case .SQLITE_CORRUPT: return failure("the database file is corrupt")
        case .SQLITE_FULL: return failure("the disk is full")
        default: return failure(error.message ?? "SQLite error \(error.resultCode.rawValue)")
        }
    }

    private func failure(_ problem: String) -> ConveyorError {
        ConveyorError(.storeUnavailable, "sqlite:\(path): \(problem)")
    }
}
