public import Conveyor
public import ConveyorCurl
public import ConveyorPostgres
import Foundation

/// What `etl` jobs may touch. Paths in payloads are untrusted, so every file a job reads or
/// writes — sources, destinations, SQLite stores — must lie inside `directory`; URLs are fetched
/// under the same address guard as video downloads. PostgreSQL passwords can stay out of payloads
/// (which are stored and shown): a URL without one takes it from the libpq password file.
public struct ETLConfiguration: Sendable {
    /// The directory payload paths are resolved in and confined to (`CONVEYOR_ETL_DIR`).
    public var directory: String
    /// Which addresses URL sources may come from (`CONVEYOR_ALLOW_PRIVATE_URLS`).
    public var destinations: DestinationPolicy
    /// Rows per batch (and per transaction).
    public var batchRows: Int
    /// Memory one batch may hold; three are reserved from the budget for the job's length (one
    /// being read, one waiting, one being written).
    public var batchBytes: Int
    /// Passwords for PostgreSQL URLs that carry none (`PGPASSFILE` or `~/.pgpass`), each tied to
    /// its host, port, database and user.
    public var passwords: PostgresPassFile?

    public init(
        directory: String, destinations: DestinationPolicy = .publicOnly, passwords: PostgresPassFile? = nil, batchRows: Int = 10_000,
        batchBytes: Int = 4 << 20
    ) {
        self.directory = URL(fileURLWithPath: directory).standardizedFileURL.resolvingSymlinksInPath().path
        self.destinations = destinations
        self.passwords = passwords
        self.batchRows = batchRows
        self.batchBytes = batchBytes
    }

    /// Reads `CONVEYOR_ETL_DIR` (default: the working directory) and the PostgreSQL password file. `destinations` is the address
    /// policy the caller already read (`CONVEYOR_ALLOW_PRIVATE_URLS`, shared with video downloads).
    public static func fromEnvironment(
        _ environment: [String: String], destinations: DestinationPolicy
    ) throws(ConfigurationProblem) -> ETLConfiguration {
        let directory = environment["CONVEYOR_ETL_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? FileManager.default.currentDirectoryPath
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ConfigurationProblem(line: "CONVEYOR_ETL_DIR: '\(directory)' is not a directory")
        }
        let passwords: PostgresPassFile?
        do {
            passwords = try PostgresPassFile.load(environment: environment)
        } catch {
            throw ConfigurationProblem(line: error.message)
        }
        return ETLConfiguration(directory: directory, destinations: destinations, passwords: passwords)
    }

    /// A PostgreSQL URL from a payload, with its password from the password file when it has none.
    func postgres(_ url: String, field: String) throws -> PostgresStoreOptions {
        let options: PostgresStoreOptions
        do {
            options = try PostgresStoreOptions(url: url)
        } catch let error as ConveyorError {
            throw ETLFailure("\(field): \(error.message)")
        }
        return passwords?.filling(options) ?? options
    }

    /// `path` inside `directory`, or a failure naming the field; `..` and symlinks cannot lead out.
    func resolve(_ path: String, field: String) throws -> String {
        let base = URL(fileURLWithPath: directory, isDirectory: true)
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path)
        let standardized = url.standardizedFileURL
        let parent = standardized.deletingLastPathComponent().resolvingSymlinksInPath()
        let resolved = parent.appendingPathComponent(standardized.lastPathComponent).path
        guard resolved.hasPrefix(directory.hasSuffix("/") ? directory : directory + "/") else {
            throw ETLFailure("\(field): \"\(path)\" is outside the ETL directory (CONVEYOR_ETL_DIR)")
        }
        return resolved
    }
}
