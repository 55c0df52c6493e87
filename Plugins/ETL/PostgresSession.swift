import ConveyorPostgresConnection
import Logging
import PostgresNIO

/// One PostgreSQL connection an ETL job reads or writes through, driven from the load's own
/// threads. Errors become ``ETLFailure``s naming the side (`source`/`destination`), the server
/// (never the password) and its message.
struct PostgresSession: Sendable {
    let connection: PostgresConnection
    let options: PostgresStoreOptions
    let logger: Logger
    /// The payload field errors are reported under.
    let role: String

    static func open(_ options: PostgresStoreOptions, logger: Logger, role: String) throws -> PostgresSession {
        do {
            let connection = try BlockingCall.run { try await options.connect(logger: logger) }
            return PostgresSession(connection: connection, options: options, logger: logger, role: role)
        } catch {
            let explained = options.explain(error, doing: "connect")
            throw ETLFailure("\(role): \(explained)", isPermanent: !explained.isTransient)
        }
    }

    /// Runs `body` on the connection and waits for it; in one transaction, rolled back when
    /// `body` fails, if `transaction` is set.
    func run<T: Sendable>(
        doing action: String, transaction: Bool = false, _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T
    ) throws -> T {
        let connection = connection
        let logger = logger
        do {
            return try BlockingCall.run {
                guard transaction else { return try await body(connection, logger) }
                _ = try await connection.query("BEGIN", logger: logger)
                do {
                    let value = try await body(connection, logger)
                    _ = try await connection.query("COMMIT", logger: logger)
                    return value
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
        } catch let failure as ETLFailure {
            throw failure
        } catch {
            let explained = options.explain(error, doing: action)
            throw ETLFailure("\(role): \(explained)", isPermanent: !explained.isTransient)
        }
    }

    /// Runs statements (SQL the job built, or the payload's query) and drops their rows.
    func execute(_ statements: [String], transaction: Bool = false, doing action: String) throws {
        try run(doing: action, transaction: transaction) { connection, logger in
            for sql in statements {
                for try await _ in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) {}
            }
        }
    }

    func close() {
        let connection = connection
        _ = try? BlockingCall.run { try await connection.close() }
    }

    /// `name` as a quoted identifier.
    static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
