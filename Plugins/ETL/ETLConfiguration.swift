public import Configuration
public import Conveyor
public import ConveyorCurl
public import ConveyorPostgresConnection
public import Foundation

/// What `etl` jobs may touch. Paths in payloads are untrusted, so every file a job reads or
/// writes — sources, destinations, SQLite stores — must lie inside `directory`, and nothing may
/// be one of the `protection`'s files or databases (the job store, the config, secrets); URLs
/// are fetched under the same address guard as video downloads. PostgreSQL passwords can stay
/// out of payloads (which are stored and shown): a URL without one takes it from the libpq
/// password file.
///
/// With no directory, `etl` has no access to anything: every job fails, saying which setting
/// turns it on. There is deliberately no default, since the working directory of a server is
/// where its store and config usually are.
public struct ETLConfiguration: Sendable {
    /// The real path of the directory payload paths are resolved in and confined to
    /// (`CONVEYOR_ETL_DIR`); `nil` turns `etl` off.
    public var directory: String?
    /// Files and databases no job may name, whatever the directory holds.
    public var protection: ETLProtection
    /// Which addresses URL sources may come from (`CONVEYOR_ALLOW_PRIVATE_URLS`).
    public var destinations: DestinationPolicy
    /// Rows per batch (and per transaction).
    public var batchRows: Int
    /// Memory one batch may hold; three are reserved from the budget for the job's length (one
    /// being read, one waiting, one being written).
    public var batchBytes: Int
    /// The most data one job may write (`CONVEYOR_ETL_MAX_OUTPUT`, 1 GiB by default), so a job
    /// cannot fill the disk the store lives on; past it the job fails, leaving the old
    /// destination as it was.
    public var maxOutput: Int
    /// Passwords for PostgreSQL URLs that carry none (`PGPASSFILE` or `~/.pgpass`), each tied to
    /// its host, port, database and user.
    public var passwords: PostgresPassFile?

    /// The default cap on what one job writes.
    public static let defaultMaxOutput = 1 << 30

    /// Throws a problem naming `CONVEYOR_ETL_DIR` when the directory holds, or lies inside, a
    /// protected file.
    public init(
        directory: String?, protection: ETLProtection = .none, destinations: DestinationPolicy = .publicOnly, passwords: PostgresPassFile? = nil,
        batchRows: Int = 10_000, batchBytes: Int = 4 << 20, maxOutput: Int = ETLConfiguration.defaultMaxOutput
    ) throws(ConfigurationProblem) {
        self.directory = try directory.map { directory throws(ConfigurationProblem) in try Self.checked(directory, protection: protection) }
        self.protection = protection
        self.destinations = destinations
        self.passwords = passwords
        self.batchRows = batchRows
        self.batchBytes = batchBytes
        self.maxOutput = maxOutput
    }

    /// `etl` turned off: every job fails naming `CONVEYOR_ETL_DIR`.
    public static func off(destinations: DestinationPolicy) -> ETLConfiguration {
        ETLConfiguration(off: destinations)
    }

    private init(off destinations: DestinationPolicy) {
        directory = nil
        protection = .none
        self.destinations = destinations
        passwords = nil
        batchRows = 10_000
        batchBytes = 4 << 20
        maxOutput = Self.defaultMaxOutput
    }

    /// The directory's real path, if it is a directory holding no protected file and lying in none.
    private static func checked(_ directory: String, protection: ETLProtection) throws(ConfigurationProblem) -> String {
        guard let real = FileIdentity.realPath(directory), FileIdentity(path: real)?.isDirectory == true else {
            throw ConfigurationProblem(key: directoryKey, "'\(directory)' is not a directory")
        }
        let inside = real == "/" ? "/" : real + "/"
        for file in protection.realPaths where file == real || file.hasPrefix(inside) || real.hasPrefix(file + "/") {
            throw ConfigurationProblem(
                key: directoryKey,
                "'\(directory)' holds \(file), which etl jobs must never reach (the job store, the config file or a secret); name a directory of its own")
        }
        return real
    }

    /// Where the directory setting lives, for problems with a directory given in code.
    static let directoryKey = ["conveyor", "etlDir"]

    /// Reads `etlDir` (no default: unset turns `etl` off) and `etlMaxOutput` under `scope`, and
    /// the PostgreSQL password file (`PGPASSFILE`, or `~/.pgpass`, from `environment`), which
    /// joins `protection`. `destinations` is the address policy the caller already read (shared
    /// with video downloads).
    public static func from(
        config: ConfigReader, scope: [String] = ["conveyor"], destinations: DestinationPolicy, protection: ETLProtection = .none,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationProblem) -> ETLConfiguration {
        var settings = SettingsReader(config, scope: scope)
        let directory = settings.text("etlDir")
        var maxOutput = defaultMaxOutput
        if let text = settings.text("etlMaxOutput") {
            if let bytes = ByteCount.parse(text), bytes >= 1 {
                maxOutput = bytes
            } else {
                settings.report("etlMaxOutput", "'\(text)' is not a size such as 500MB or 2GiB")
            }
        }
        try settings.check()
        let passwords: PostgresPassFile?
        do {
            passwords = try PostgresPassFile.load(environment: environment)
        } catch {
            throw ConfigurationProblem(key: [], error.message)
        }
        var protection = protection
        if let file = PostgresPassFile.path(environment: environment) { protection.files.append(file) }
        return try ETLConfiguration(directory: directory, protection: protection, destinations: destinations, passwords: passwords, maxOutput: maxOutput)
    }

    /// The directory, or the failure every job gets while `etl` is off.
    func requireDirectory() throws(ETLFailure) -> String {
        guard let directory else {
            throw ETLFailure("etl is off on this worker: its operator has not named a directory for etl jobs (CONVEYOR_ETL_DIR)")
        }
        return directory
    }

    /// A PostgreSQL URL from a payload, with its password from the password file when it has none.
    func postgres(_ url: String, field: String) throws -> PostgresStoreOptions {
        let options: PostgresStoreOptions
        do {
            options = try PostgresStoreOptions(url: url)
        } catch let error as ConveyorError {
            throw ETLFailure("\(field): \(error.message)")
        }
        guard !protection.protects(options) else {
            throw ETLFailure("\(field): \(options.description) is the job store's database; etl jobs may not touch it")
        }
        return passwords?.filling(options) ?? options
    }

    /// `path` inside `directory` and not protected, or a failure naming the field.
    func resolve(_ path: String, field: String) throws(ETLFailure) -> ConfinedPath {
        try ConfinedPath(path, field: field, directory: try requireDirectory(), protection: protection)
    }
}
