import Conveyor
import ConveyorSQLite
import Foundation
import Testing

/// A named way to make an empty store, so one test runs against every implementation.
struct StoreFactory: Sendable, CustomTestStringConvertible {
    let name: String
    let make: @Sendable () async throws -> any JobStore

    var testDescription: String { name }

    static let all: [StoreFactory] = [
        StoreFactory(name: "memory") { MemoryJobStore() },
        StoreFactory(name: "sqlite") { try SQLiteJobStore(path: temporaryPath("conformance.db")) },
    ]

    /// A fresh path in a fresh directory under the system's temporary folder.
    static func temporaryPath(_ name: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("conveyor-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(name).path
    }
}
