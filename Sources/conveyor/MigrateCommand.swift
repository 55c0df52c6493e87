import ArgumentParser
import Conveyor
import ConveyorSQLite

/// `conveyor migrate`: brings the store's schema up to date and says where it stands. Every
/// other command migrates at start too; this one lets an operator do it ahead of a deploy.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or upgrade the store's schema.")

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        let report = try await storeOptions.withStore { store in
            guard let sqlite = store as? SQLiteJobStore else { return "\(storeOptions.store): nothing to migrate" }
            let applied = sqlite.appliedMigrations
            return applied.isEmpty
                ? "sqlite:\(sqlite.path): schema is current (\(sqlite.schemaVersion))"
                : "sqlite:\(sqlite.path): applied \(applied.joined(separator: ", ")); schema is at \(sqlite.schemaVersion)"
        }
        print(report)
    }
}
