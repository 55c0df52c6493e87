import ArgumentParser
import Conveyor
import ConveyorStores
import Foundation

/// `--store URL`, defaulting to `CONVEYOR_STORE`, then `sqlite:conveyor.db`.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Job store URL: \(StoreLocation.supported).", valueName: "url"))
    var store: String = ProcessInfo.processInfo.environment["CONVEYOR_STORE"] ?? "sqlite:conveyor.db"

    func validate() throws {
        do {
            _ = try StoreLocation(store)
        } catch let error as ConveyorError {
            throw ValidationError("--\(error.message)")
        }
    }

    /// The store URL with any password replaced by `***`, for logs and reports.
    var safeDescription: String {
        (try? StoreLocation(store))?.description ?? store
    }

    /// Opens the store, runs `body`, and closes the store however `body` ends. A store that
    /// cannot open throws one line naming it and the problem.
    func withStore<T>(_ body: (any JobStore) async throws -> T) async throws -> T {
        try await StoreLocation(store).withStore(body)
    }
}
