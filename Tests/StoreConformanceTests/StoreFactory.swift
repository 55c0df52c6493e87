import Conveyor
import Testing

/// A named way to make an empty store, so one test runs against every implementation.
struct StoreFactory: Sendable, CustomTestStringConvertible {
    let name: String
    let make: @Sendable () async throws -> any JobStore

    var testDescription: String { name }

    static let all: [StoreFactory] = [
        StoreFactory(name: "memory") { MemoryJobStore() },
    ]
}
