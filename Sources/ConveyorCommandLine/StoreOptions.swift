import ArgumentParser
import Conveyor
import ConveyorStores
import Foundation

/// `--store URL` and `--config FILE`, shared by the commands that open a store. The store
/// defaults to `CONVEYOR_STORE`, then the config file, then `sqlite:conveyor.db`.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Job store URL: \(StoreLocation.supported).", valueName: "url"))
    var store: String?
    @Option(name: .long, help: ArgumentHelp("A JSON or YAML config file (default: conveyor.json or conveyor.yaml here, if present).", valueName: "file"))
    var config: String?

    func validate() throws {
        if let store {
            do {
                _ = try StoreLocation(store)
            } catch let error as ConveyorError {
                throw ValidationError("--\(error.message)")
            }
        }
    }

    /// Flags > environment > file, with `extra` flags in environment form.
    func settings(flags extra: [String: String] = [:]) async throws -> LoadedConfiguration {
        var flags = extra
        flags["CONVEYOR_STORE"] = store
        return try await ConfigurationSources.load(flags: flags, configFile: config)
    }

    static func url(in settings: LoadedConfiguration) -> String { settings.values["CONVEYOR_STORE"] ?? "sqlite:conveyor.db" }

    /// The store URL with any password replaced by `***`, for logs and reports.
    static func safeDescription(_ url: String) -> String {
        (try? StoreLocation(url))?.description ?? url
    }

    /// Opens the store, runs `body`, and closes the store however `body` ends. A store that
    /// cannot open throws one line naming it and the problem.
    static func withStore<T>(_ url: String, _ body: (any JobStore) async throws -> T) async throws -> T {
        let location: StoreLocation
        do {
            location = try StoreLocation(url)
        } catch let error as ConveyorError {
            throw ValidationError("CONVEYOR_STORE: \(error.message)")
        }
        return try await location.withStore(body)
    }
}
