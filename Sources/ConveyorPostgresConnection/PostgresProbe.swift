import Conveyor
import Foundation
package import Logging
import NIOSSL
package import PostgresNIO

/// Turns ``PostgresStoreOptions`` into postgres-nio configurations, and opens the one direct
/// connection that checks the server answers, the database exists and the credentials work (the
/// pool would instead retry quietly forever, so a typo in the URL would look like a hang), and
/// that then runs the migrations.
package struct PostgresProbe {
    package var options: PostgresStoreOptions
    package var logger: Logger

    package init(options: PostgresStoreOptions, logger: Logger) {
        self.options = options
        self.logger = logger
    }

    /// What every connection of this process tells the server it is (`application_name`): in
    /// `pg_stat_activity` an operator sees which process holds which session.
    package static let applicationName = "conveyor[\(ProcessInfo.processInfo.processIdentifier)]"

    /// A new connection of its own, outside the pool; the caller closes it. Errors as they come.
    package func rawConnect() async throws -> PostgresConnection {
        var configuration = PostgresConnection.Configuration(
            host: options.host, port: options.port, username: options.username, password: options.password,
            database: options.database, tls: try connectionTLS())
        configuration.options.additionalStartupParameters = [("application_name", Self.applicationName)]
        return try await PostgresConnection.connect(
            on: PostgresClient.defaultEventLoopGroup.next(), configuration: configuration, id: 0, logger: logger
        ).get()
    }

    /// ``rawConnect()`` within `timeout`, errors as one line.
    package func connect(timeout: Duration) async throws -> PostgresConnection {
        let probe = self
        return try await PostgresFailure.mapping(options, timeout: timeout, doing: "connect") { try await probe.rawConnect() }
    }

    /// Runs `body` on a new connection, closed afterwards.
    package func withConnection<T: Sendable>(timeout: Duration, _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await connect(timeout: timeout)
        do {
            let value = try await body(connection)
            try? await connection.close()
            return value
        } catch {
            try? await connection.close()
            throw error
        }
    }

    package func clientConfiguration() throws -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: options.host, port: options.port, username: options.username, password: options.password,
            database: options.database, tls: clientTLS())
        // One connection more than the pool needs for queries is held by LISTEN.
        configuration.options.maximumConnections = options.connections + (options.notifications ? 1 : 0)
        configuration.options.minimumConnections = 1
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.additionalStartupParameters = [("application_name", Self.applicationName)]
        return configuration
    }

    private var tlsConfiguration: TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        // libpq's `require` encrypts without checking who answers; `verify-full` checks both.
        if options.tls != .verifyFull { tls.certificateVerification = .none }
        return tls
    }

    private func clientTLS() -> PostgresClient.Configuration.TLS {
        switch options.tls {
        case .disable: .disable
        case .prefer: .prefer(tlsConfiguration)
        case .require, .verifyFull: .require(tlsConfiguration)
        }
    }

    private func connectionTLS() throws -> PostgresConnection.Configuration.TLS {
        switch options.tls {
        case .disable: return .disable
        case .prefer: return .prefer(try NIOSSLContext(configuration: tlsConfiguration))
        case .require, .verifyFull: return .require(try NIOSSLContext(configuration: tlsConfiguration))
        }
    }
}
