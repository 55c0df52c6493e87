import Conveyor
import ConveyorPostgresConnection
import Logging
import PostgresNIO

extension PostgresJobStore {
    /// `body` in one transaction, bounded by ``requestTimeout``; errors come out as one line.
    func transaction<T: Sendable>(_ action: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let (client, logger) = (client, logger)
        return try await PostgresFailure.mapping(options, timeout: requestTimeout, doing: action) {
            try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        }
    }

    /// One statement on its own (autocommit), bounded by ``requestTimeout``.
    func statement<T: Sendable>(_ action: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let client = client
        return try await PostgresFailure.mapping(options, timeout: requestTimeout, doing: action) {
            try await client.withConnection { connection in try await body(connection) }
        }
    }

    /// Tells every store LISTENing (this process's too) that jobs may be ready; delivered when
    /// the surrounding transaction commits.
    func notifyReady(on connection: PostgresConnection) async throws {
        guard options.notifications else { return }
        try await connection.execute("SELECT pg_notify(\(PostgresListener.channel), '')", logger: logger)
    }

    /// The first row's first column, decoded.
    func scalar<T: PostgresDecodable & Sendable>(_ query: PostgresQuery, as type: T.Type, on connection: PostgresConnection) async throws -> T? {
        for try await value in try await connection.query(query, logger: logger).decode(T.self) { return value }
        return nil
    }
}

extension PostgresConnection {
    /// Runs a statement whose rows, if any, are not needed, reading them to the end so the
    /// connection is ready for the next one.
    func execute(_ query: PostgresQuery, logger: Logger) async throws {
        for try await _ in try await self.query(query, logger: logger) {}
    }
}
