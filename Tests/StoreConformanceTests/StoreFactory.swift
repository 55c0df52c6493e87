import Conveyor
import ConveyorPostgres
import ConveyorPostgresConnection
import ConveyorSQLite
import Foundation
import TestSupport
import Testing

/// A named way to make an empty store, so one test runs against every implementation.
struct StoreFactory: Sendable, CustomTestStringConvertible {
    let name: String
    let make: @Sendable () async throws -> any JobStore

    var testDescription: String { name }

    static let all: [StoreFactory] = [
        StoreFactory(name: "memory") { MemoryJobStore() },
        StoreFactory(name: "sqlite") { try SQLiteJobStore(path: temporaryPath("conformance.db")) },
    ] + postgres

    /// A new database on the shared test server per test; absent when plain `swift test` skips
    /// PostgreSQL, failing when `make test` requires it and it is not there.
    private static var postgres: [StoreFactory] {
        if case .skipped = PostgresTestServer.shared { return [] }
        return [
            StoreFactory(name: "postgres") {
                guard let url = try await PostgresTestServer.freshDatabase() else { throw PostgresTestError(message: "no PostgreSQL") }
                return try await PostgresJobStore.connect(PostgresStoreOptions(url: url))
            }
        ]
    }

    /// Two stores on one file or database, as two processes sharing it open them: for what one
    /// process learns from another through the store (``JobEventSource``).
    struct Pair: Sendable, CustomTestStringConvertible {
        let name: String
        let make: @Sendable () async throws -> (any JobStore, any JobStore)
        var testDescription: String { name }
    }

    static let pairs: [Pair] = [
        Pair(name: "sqlite") {
            let path = try temporaryPath("shared.db")
            return (try SQLiteJobStore(path: path), try SQLiteJobStore(path: path))
        }
    ] + postgresPair

    private static var postgresPair: [Pair] {
        if case .skipped = PostgresTestServer.shared { return [] }
        return [
            Pair(name: "postgres") {
                guard let url = try await PostgresTestServer.freshDatabase() else { throw PostgresTestError(message: "no PostgreSQL") }
                return (try await PostgresJobStore.connect(PostgresStoreOptions(url: url)), try await PostgresJobStore.connect(PostgresStoreOptions(url: url)))
            }
        ]
    }

    /// A fresh path in a fresh directory under the system's temporary folder.
    static func temporaryPath(_ name: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("conveyor-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(name).path
    }
}
