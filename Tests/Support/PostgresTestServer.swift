import ConveyorPostgres
import ConveyorPostgresConnection
import Foundation
import Logging
import PostgresNIO

/// PostgreSQL for the tests. `make test` starts one (`Tests/Fixtures/postgres/test_postgres.sh`)
/// and passes its URL in `CONVEYOR_TEST_POSTGRES_URL`, with `CONVEYOR_TEST_REQUIRE_POSTGRES=1`
/// so that a missing server fails the Postgres tests instead of skipping them. Tests that must
/// restart or kill the database start a private one with ``start()``.
public final class PostgresTestServer: Sendable {
    /// Where the shared server is, or why there is none.
    public enum Availability: Sendable {
        case url(String)
        /// Not configured and not required: plain `swift test` skips the Postgres tests.
        case skipped(String)
        /// Required (under `make test`) but not configured: the tests fail with this.
        case missing(String)
    }

    public static let shared: Availability = {
        let environment = ProcessInfo.processInfo.environment
        if let url = environment["CONVEYOR_TEST_POSTGRES_URL"], !url.isEmpty { return .url(url) }
        let reason = "CONVEYOR_TEST_POSTGRES_URL is not set (`make test` starts a PostgreSQL and sets it)"
        if environment["CONVEYOR_TEST_REQUIRE_POSTGRES"] == "1" { return .missing(reason) }
        FileHandle.standardError.write(Data("Skipping the PostgreSQL tests: \(reason)\n".utf8))
        return .skipped(reason)
    }()

    /// The shared server's URL; throws when it is required and missing. `nil` when skipped.
    public static func sharedURL() throws -> String? {
        switch shared {
        case .url(let url): url
        case .skipped: nil
        case .missing(let reason): throw PostgresTestError(message: reason)
        }
    }

    /// A new, empty database on the server at `url`, so each test starts from nothing; returns its URL.
    public static func freshDatabase(on url: String) async throws -> String {
        let options = try PostgresStoreOptions(url: url)
        let name = "conveyor_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await execute("CREATE DATABASE \(name)", on: url)
        return url.replacingOccurrences(of: "/\(options.database)?", with: "/\(name)?")
    }

    /// Runs one SQL statement on the database at `url`, as a test's setup or sabotage.
    public static func execute(_ sql: String, on url: String) async throws {
        _ = try await rows(sql, on: url)
    }

    /// Every row of `sql` on the database at `url`, each cell as text (cast columns to `text`
    /// in the query) or `nil` for NULL.
    public static func rows(_ sql: String, on url: String) async throws -> [[String?]] {
        let options = try PostgresStoreOptions(url: url)
        let logger = Logger(label: "conveyor.tests.postgres")
        let connection = try await options.connect(logger: logger)
        do {
            var rows: [[String?]] = []
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) {
                rows.append(try row.map { try $0.decode(String?.self) })
            }
            try await connection.close()
            return rows
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// A new database on the shared server, or `nil` when the Postgres tests are skipped.
    public static func freshDatabase() async throws -> String? {
        guard let url = try sharedURL() else { return nil }
        return try await freshDatabase(on: url)
    }

    // MARK: A private server

    public let url: String
    private let directory: String

    /// Starts a private PostgreSQL (a few seconds: initdb, start, createdb).
    public static func start() async throws -> PostgresTestServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("conveyor-pg-\(UUID().uuidString.prefix(8))").path
        let output = try await OffPool.run { try control("start", directory) }
        guard let url = output.split(separator: "\n").last.map(String.init), url.hasPrefix("postgres://") else {
            throw PostgresTestError(message: "test_postgres.sh start printed no URL: \(output)")
        }
        return PostgresTestServer(url: url, directory: directory)
    }

    private init(url: String, directory: String) {
        self.url = url
        self.directory = directory
    }

    /// Stops the server and starts it again on the same port and data (fast shutdown: every
    /// connection is cut).
    public func restart() async throws {
        let directory = directory
        _ = try await OffPool.run { try Self.control("restart", directory) }
    }

    /// Stops the server and removes its files.
    public func stop() async {
        let directory = directory
        _ = try? await OffPool.run { try Self.control("stop", directory) }
    }

    /// A test that failed before ``stop()`` still stops its server, on a thread of its own.
    deinit {
        let directory = directory
        Thread.detachNewThread { _ = try? Self.control("stop", directory) }
    }

    /// Runs the script; its output goes to a file, not a pipe, since the server it starts keeps
    /// every inherited descriptor open and a pipe would never reach its end.
    private static func control(_ command: String, _ directory: String) throws -> String {
        let process = Process()
        process.executableURL = FixturePaths.root.appendingPathComponent("postgres/test_postgres.sh")
        process.arguments = [command, directory]
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("conveyor-pg-control-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let output = try FileHandle(forWritingTo: log)
        process.standardOutput = output
        process.standardError = output
        try process.run()
        process.waitUntilExit()
        try output.close()
        let text = try String(contentsOf: log, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0 else {
            throw PostgresTestError(message: "test_postgres.sh \(command) failed (\(process.terminationStatus)): \(text)")
        }
        return text
    }
}

/// Why a Postgres test could not get its database.
public struct PostgresTestError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    public init(message: String) { self.message = message }
}
