import Conveyor
public import Logging
public import PostgresNIO

extension PostgresStoreOptions {
    /// Opens one connection of its own, outside any store's pool, for work that needs a session:
    /// a cursor, `COPY`, a transaction spanning several calls — as ETL jobs reading or writing a
    /// database do. Fails within `timeout` with a ``PostgresSessionError`` naming the server
    /// (never the password) and its own message. The caller closes the connection.
    public func connect(logger: Logger, timeout: Duration = .seconds(10)) async throws(PostgresSessionError) -> PostgresConnection {
        let probe = PostgresProbe(options: self, logger: logger)
        let connection: PostgresConnection?
        do {
            connection = try await DeadlineRace.run(limit: timeout) { try await probe.rawConnect() }
        } catch {
            throw explain(error, doing: "connect")
        }
        guard let connection else {
            throw PostgresSessionError(description: "\(self): no answer within \(timeout) (connect); is the server running?", isTransient: true)
        }
        return connection
    }

    /// An error from a connection these options opened, as one line — the server's message
    /// (postgres-nio hides it on purpose) and what was being done, never SQL, values or the
    /// password — and whether trying again later may succeed.
    public func explain(_ error: any Error, doing action: String) -> PostgresSessionError {
        if let error = error as? PostgresSessionError { return error }
        return PostgresSessionError(
            description: "\(PostgresFailure.explain(error, self, doing: action))", isTransient: PostgresFailure.isTransient(error))
    }
}
