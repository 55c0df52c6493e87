import Conveyor
import PostgresNIO

/// Store errors as one line naming the server (never the password) and the problem, never SQL
/// or bound values. postgres-nio's own descriptions hide the server's message on purpose; this
/// reads it back out, since it says things like "database \"x\" does not exist".
package enum PostgresFailure {
    /// Runs `body`, failing after `timeout` (a pool that cannot connect waits rather than fails;
    /// a dropped connection may never answer), and maps errors through ``explain(_:_:doing:)``.
    package static func mapping<T: Sendable>(
        _ options: PostgresStoreOptions, timeout: Duration, doing action: String, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        do {
            guard let value = try await DeadlineRace.run(limit: timeout, body) else {
                throw ConveyorError(.storeUnavailable, "\(options): no answer within \(timeout) (\(action)); is the server running?")
            }
            return value
        } catch {
            throw explain(error, options, doing: action)
        }
    }

    package static func explain(_ error: any Error, _ options: PostgresStoreOptions, doing action: String) -> any Error {
        switch error {
        case is ConveyorError, is CancellationError, is PostgresRetry:
            return error
        case let error as PostgresTransactionError:
            if let inner = error.closureError ?? error.commitError ?? error.beginError { return explain(inner, options, doing: action) }
            return ConveyorError(.storeUnavailable, "\(options): transaction failed (\(action))")
        case let error as PSQLError:
            return ConveyorError(.storeUnavailable, "\(options): \(describe(error)) (\(action))")
        default:
            return ConveyorError(.storeUnavailable, "\(options): \(type(of: error)) (\(action))")
        }
    }

    /// Whether trying again later may succeed: no answer or a lost connection, or the server
    /// saying it is starting, shutting down, short of resources or that a transaction lost a
    /// race (SQLSTATE classes 08, 53, 57P, 40). Anything else the server said is final.
    package static func isTransient(_ error: any Error) -> Bool {
        if let error = error as? PostgresTransactionError, let inner = error.closureError ?? error.commitError ?? error.beginError {
            return isTransient(inner)
        }
        guard let error = error as? PSQLError else { return !(error is ConveyorError) }
        if let state = error.serverInfo?[.sqlState] {
            return ["08", "53", "40"].contains(String(state.prefix(2))) || state.hasPrefix("57P")
        }
        switch error.code {
        case .sslUnsupported, .authMechanismRequiresPassword, .unsupportedAuthMechanism, .saslError: return false
        default: return true
        }
    }

    /// The SQLSTATE of a server error, e.g. `23505` for a unique violation.
    package static func sqlState(_ error: any Error) -> String? {
        if let error = error as? PostgresTransactionError, let inner = error.closureError ?? error.commitError {
            return sqlState(inner)
        }
        return (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    private static func describe(_ error: PSQLError) -> String {
        if let message = error.serverInfo?[.message] {
            return error.serverInfo?[.sqlState].map { "\(message) [\($0)]" } ?? message
        }
        switch error.code {
        case .connectionError: return "cannot connect (connection refused or host unreachable)"
        case .serverClosedConnection, .uncleanShutdown: return "the server closed the connection"
        case .clientClosedConnection, .poolClosed: return "the store is closed"
        case .sslUnsupported: return "the server does not offer TLS (sslmode=disable to connect without it)"
        case .authMechanismRequiresPassword: return "the server wants a password and the URL has none"
        case .queryCancelled: return "the query was cancelled"
        default: return "postgres error \(error.code)"
        }
    }
}
