import ArgumentParser
import Conveyor
import Foundation

/// `conveyor clean`: deletes finished jobs past retention now (CONVEYOR_RETENTION_COMPLETED,
/// CONVEYOR_RETENTION_FAILED) instead of waiting for the workers' periodic prune.
struct CleanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "clean", abstract: "Delete finished jobs older than the retention policy.")
    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        var settings = CommandSettings(try await storeOptions.settings())
        let configuration = settings.runtimeConfiguration(queues: nil)
        guard settings.problems.isEmpty else { throw ValidationError(settings.problems.joined(separator: "\n")) }
        let url = StoreOptions.url(in: settings.loaded)
        let deleted = try await StoreOptions.withStore(url) { store in try await store.prune(configuration.retention, now: Date()) }
        let retention = configuration.retention
        Printing.line("\(StoreOptions.safeDescription(url)): deleted \(deleted) finished job(s) (completed older than \(DurationText.format(retention.completed)), failed older than \(DurationText.format(retention.failed)))")
    }
}
