import Conveyor
import ConveyorPostgresConnection
import Logging
import PostgresNIO

/// Applies the schema's missing migrations in one transaction, holding an advisory lock so that
/// nodes starting together take turns, and refuses a database migrated by a newer build.
struct PostgresMigrator {
    var connection: PostgresConnection
    var options: PostgresStoreOptions
    var logger: Logger

    /// Returns the migrations applied now and all the schema has, oldest first.
    func migrate(timeout: Duration) async throws -> (applied: [String], all: [String]) {
        let (connection, logger) = (connection, logger)
        return try await PostgresFailure.mapping(options, timeout: timeout, doing: "migrate") {
            try await connection.withTransaction(logger: logger) { connection in
                try await connection.execute("SELECT pg_advisory_xact_lock(\(PostgresSchema.migrationLockKey))", logger: logger)
                try await connection.execute("""
                    CREATE TABLE IF NOT EXISTS conveyor_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                    """, logger: logger)
                var done: [String] = []
                for try await version in try await connection.query("SELECT version FROM conveyor_migrations", logger: logger).decode(String.self) {
                    done.append(version)
                }
                let known = PostgresSchema.migrations.map(\.version)
                if let unknown = done.first(where: { !known.contains($0) }) {
                    throw ConveyorError(
                        .storeUnavailable,
                        "the schema has migration '\(unknown)' this build does not know: it was written by a newer Conveyor")
                }
                var applied: [String] = []
                for migration in PostgresSchema.migrations where !done.contains(migration.version) {
                    for statement in migration.statements {
                        try await connection.execute(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.execute("INSERT INTO conveyor_migrations (version) VALUES (\(migration.version))", logger: logger)
                    applied.append(migration.version)
                }
                return (applied, known.filter { done.contains($0) || applied.contains($0) })
            }
        }
    }
}
