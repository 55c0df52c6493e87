import ArgumentParser
import Conveyor
import ConveyorPostgres
import ConveyorSQLite

/// `conveyor migrate`: brings the store's schema up to date and says where it stands. Every
/// other command migrates at start too; this one lets an operator do it ahead of a deploy.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or upgrade the store's schema.")

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        let url = StoreOptions.url(in: try await storeOptions.settings())
        let report = try await StoreOptions.withStore(url) { store in
            let (name, applied, version): (String, [String], String)
            switch store {
            case let sqlite as SQLiteJobStore: (name, applied, version) = ("sqlite:\(sqlite.path)", sqlite.appliedMigrations, sqlite.schemaVersion)
            case let postgres as PostgresJobStore: (name, applied, version) = ("\(postgres.options)", postgres.appliedMigrations, postgres.schemaVersion)
            default: return "\(StoreOptions.safeDescription(url)): nothing to migrate"
            }
            return applied.isEmpty
                ? "\(name): schema is current (\(version))"
                : "\(name): applied \(applied.joined(separator: ", ")); schema is at \(version)"
        }
        Printing.line(report)
    }
}
