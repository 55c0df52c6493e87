public import Logging
public import PostgresNIO

extension PostgresStoreOptions {
    /// Opens one connection of its own, outside any store's pool, for work that needs a session:
    /// a cursor, `COPY`, a transaction spanning several calls — as ETL jobs reading or writing a
    /// database do. Fails within `timeout` with one line naming the server (never the password)
    /// and its own message. The caller closes the connection.
    public func connect(logger: Logger, timeout: Duration = .seconds(10)) async throws -> PostgresConnection {
        try await PostgresProbe(options: self, logger: logger).connect(timeout: timeout)
    }

    /// An error from a connection these options opened, as one line: the server's message
    /// (postgres-nio hides it on purpose) and what was being done — never SQL, values or the
    /// password.
    public func explain(_ error: any Error, doing action: String) -> any Error {
        PostgresFailure.explain(error, self, doing: action)
    }
}
