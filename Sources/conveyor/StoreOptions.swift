import ArgumentParser
import Conveyor
import Foundation

/// `--store URL`. This build knows `memory:`; durable stores register here as they land.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "Job store URL. Supported: memory:")
    var store: String = "memory:"

    func validate() throws {
        guard store == "memory:" else {
            throw ValidationError("--store: '\(store)' is not a supported store URL; supported: memory:")
        }
    }

    func open() async throws -> any JobStore {
        MemoryJobStore()
    }
}
