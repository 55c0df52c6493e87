public import ConveyorPostgresConnection
import Foundation

/// What `etl` jobs may never touch, whatever a payload says: the job store's database (its file
/// with the WAL, shared-memory and journal files beside it, or its PostgreSQL database), the
/// config file and the files holding secrets. A payload naming the job store could read every
/// user's jobs or break the store; one naming the config file could read the JWT secret.
///
/// Files are compared by real path and by identity (device and inode), so a symlink, a hard link
/// or `..` does not make a protected file look like another one.
public struct ETLProtection: Sendable {
    /// Protected files as given (resolved when checked); files that do not exist yet are
    /// protected by their path.
    public var files: [String]
    /// PostgreSQL databases no source or destination may name (the job store's).
    public var databases: [PostgresStoreOptions]

    /// Nothing protected: for tests and embedders whose job store is elsewhere.
    public static let none = ETLProtection(files: [], databases: [])

    public init(files: [String], databases: [PostgresStoreOptions] = []) {
        self.files = files
        self.databases = databases
    }

    /// The files of a SQLite database at `path`: the database and what SQLite keeps beside it.
    public static func sqliteFiles(_ path: String) -> [String] {
        [path, path + "-wal", path + "-shm", path + "-journal"]
    }

    /// Real paths of the protected files (the parent resolved for a file not there yet).
    var realPaths: [String] {
        files.map { file in
            let absolute = URL(fileURLWithPath: file).standardizedFileURL.path
            if let real = FileIdentity.realPath(absolute) { return real }
            let parent = (absolute as NSString).deletingLastPathComponent
            return (FileIdentity.realPath(parent) ?? parent) + "/" + (absolute as NSString).lastPathComponent
        }
    }

    /// The identities of the protected files that exist.
    var identities: Set<FileIdentity> { Set(files.compactMap { FileIdentity(path: $0) }) }

    /// `true` when `options` names a protected database: the same database on the same server
    /// (loopback names and addresses count as one host).
    func protects(_ options: PostgresStoreOptions) -> Bool {
        databases.contains { protected in
            protected.database == options.database && protected.port == options.port
                && (protected.host == options.host || (Self.isLocal(protected.host) && Self.isLocal(options.host)))
        }
    }

    private static func isLocal(_ host: String) -> Bool {
        host == "localhost" || host.hasPrefix("127.") || host == "::1" || host == "[::1]" || host.hasPrefix("/")
    }
}
