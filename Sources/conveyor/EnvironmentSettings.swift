import Conveyor
import ConveyorETL
import ConveyorEmailDelivery
import ConveyorServer
import ConveyorStores
import ConveyorTelegramUpload
import ConveyorVideoDownload
import Foundation
import Logging

/// The `CONVEYOR_*` variables of DESIGN §7 that shape a worker, read once at start. Each
/// unreadable value is one problem line naming the variable, its value and what is allowed.
struct EnvironmentSettings {
    private let environment: [String: String]
    /// The merged values (flags > environment > file), by environment name.
    var values: [String: String] { environment }
    var problems: [String] = []

    init(_ environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// A runtime configuration from the environment, with flags already applied on top.
    mutating func runtimeConfiguration(workers: Int?, queues: [String]?) -> RuntimeConfiguration {
        var configuration = RuntimeConfiguration(queues: queues)
        configuration.concurrency = workers ?? integer("CONVEYOR_WORKERS") ?? configuration.concurrency
        configuration.leaseDuration = duration("CONVEYOR_LEASE") ?? configuration.leaseDuration
        configuration.defaultTimeout = duration("CONVEYOR_JOB_TIMEOUT") ?? configuration.defaultTimeout
        configuration.drainTimeout = duration("CONVEYOR_DRAIN_TIMEOUT") ?? configuration.drainTimeout
        configuration.maxQueueSize = integer("CONVEYOR_MAX_QUEUE_SIZE") ?? configuration.maxQueueSize
        configuration.maxJobs = integer("CONVEYOR_MAX_JOBS") ?? configuration.maxJobs
        configuration.maxJobsPerOwner = integer("CONVEYOR_MAX_JOBS_PER_USER") ?? configuration.maxJobsPerOwner
        configuration.memory.maxTotal = bytes("CONVEYOR_MAX_TOTAL_MEMORY") ?? configuration.memory.maxTotal
        configuration.memory.maxPerJob = bytes("CONVEYOR_MAX_MEMORY_PER_JOB") ?? configuration.memory.maxPerJob
        configuration.memory.warningThreshold = integer("CONVEYOR_MEMORY_WARNING_THRESHOLD").map(Double.init) ?? configuration.memory.warningThreshold
        configuration.retention.completed = duration("CONVEYOR_RETENTION_COMPLETED") ?? configuration.retention.completed
        configuration.retention.cancelled = configuration.retention.completed
        configuration.retention.failed = duration("CONVEYOR_RETENTION_FAILED") ?? configuration.retention.failed
        problems += configuration.problems
        return configuration
    }

    /// How download jobs reach the network (`CONVEYOR_ALLOW_PRIVATE_URLS`).
    mutating func downloadConfiguration() -> VideoDownloadConfiguration {
        do {
            return try VideoDownloadConfiguration.fromEnvironment(environment)
        } catch {
            problems += error.lines
            return VideoDownloadConfiguration()
        }
    }

    /// The Bot API settings (`TELEGRAM_BOT_TOKEN`, `TELEGRAM_API_URL`, `TELEGRAM_MAX_UPLOAD`);
    /// `nil` without a token.
    mutating func telegramConfiguration() -> TelegramConfiguration? {
        do {
            return try TelegramConfiguration.fromEnvironment(environment)
        } catch {
            problems += error.lines
            return nil
        }
    }

    /// Where `etl` jobs may read and write (`CONVEYOR_ETL_DIR`; unset, etl is off); URL sources
    /// follow the downloads' address policy. The job store, the config file and the password
    /// file are out of their reach whatever the directory.
    mutating func etlConfiguration(download: VideoDownloadConfiguration, store: String) -> ETLConfiguration {
        var protection = ETLProtection(files: environment["CONVEYOR_CONFIG"].map { [$0] } ?? [])
        switch try? StoreLocation(store) {
        case .sqlite(let path)?: protection.files += ETLProtection.sqliteFiles(path)
        case .postgres(let options)?: protection.databases.append(options)
        case .memory?, nil: break
        }
        do {
            return try ETLConfiguration.fromEnvironment(environment, destinations: download.destinations, protection: protection)
        } catch {
            problems += error.lines
            return ETLConfiguration.off(destinations: download.destinations)
        }
    }

    /// The SMTP settings (`SMTP_URL`, `SMTP_USERNAME`, `SMTP_PASSWORD`, `SMTP_FROM`,
    /// `SMTP_CA_FILE`); `nil` without `SMTP_URL`.
    mutating func smtpConfiguration() -> SMTPConfiguration? {
        do {
            return try SMTPConfiguration.fromEnvironment(environment)
        } catch {
            problems += error.lines
            return nil
        }
    }

    /// Where and how the HTTP server listens, flags already applied.
    mutating func serverConfiguration() -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.host = environment["CONVEYOR_HOST"] ?? configuration.host
        configuration.port = integer("CONVEYOR_PORT") ?? configuration.port
        configuration.maxBodySize = bytes("CONVEYOR_MAX_BODY_SIZE") ?? configuration.maxBodySize
        configuration.rateLimitPerSecond = integer("CONVEYOR_RATE_LIMIT") ?? configuration.rateLimitPerSecond
        configuration.http.headerTimeout = duration("CONVEYOR_HTTP_HEADER_TIMEOUT") ?? configuration.http.headerTimeout
        configuration.http.bodyTimeout = duration("CONVEYOR_HTTP_BODY_TIMEOUT") ?? configuration.http.bodyTimeout
        configuration.http.idleTimeout = duration("CONVEYOR_HTTP_IDLE_TIMEOUT") ?? configuration.http.idleTimeout
        let descriptors = FileDescriptors.raiseLimit()
        if let connections = integer("CONVEYOR_MAX_CONNECTIONS") {
            if connections > descriptors - FileDescriptors.reserve {
                problems.append(
                    "CONVEYOR_MAX_CONNECTIONS: \(connections) would leave fewer than \(FileDescriptors.reserve) of this process's \(descriptors) file descriptors for the store and jobs; lower it or raise the limit (ulimit -n)")
            }
            configuration.http.maxConnections = connections
        } else {
            configuration.http.maxConnections = max(16, min(configuration.http.maxConnections, descriptors - FileDescriptors.reserve))
        }
        if let types = environment["CONVEYOR_ADMIN_ONLY_TYPES"] {
            let names = types.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            configuration.adminOnlyTypes = names == ["none"] ? [] : Set(names)
        }
        problems += configuration.problems
        return configuration
    }

    /// What tokens must carry besides a good signature, and which public keys may sign them
    /// (`CONVEYOR_JWT_ISSUER`, `_AUDIENCE`, `_ROLE_CLAIM`, `_PUBLIC_KEYS`: a PEM or JWKS file).
    mutating func tokenPolicy() -> TokenPolicy {
        var policy = TokenPolicy(issuer: environment["CONVEYOR_JWT_ISSUER"], audience: environment["CONVEYOR_JWT_AUDIENCE"])
        if let claim = environment["CONVEYOR_JWT_ROLE_CLAIM"] {
            if claim.isEmpty || claim.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
                problems.append("CONVEYOR_JWT_ROLE_CLAIM: '\(claim)' is not a claim name or dotted path such as role or realm_access.roles")
            } else {
                policy.roleClaim = claim
            }
        }
        if let file = environment["CONVEYOR_JWT_PUBLIC_KEYS"] {
            if let text = try? String(contentsOfFile: file, encoding: .utf8) {
                policy.publicKeys = text
            } else {
                problems.append("CONVEYOR_JWT_PUBLIC_KEYS: cannot read \(file) (a PEM file of public keys or a JWKS document)")
            }
        }
        return policy
    }

    mutating func logLevel() -> Logger.Level {
        guard let text = environment["CONVEYOR_LOG_LEVEL"] else { return .info }
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            let allowed = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            problems.append("CONVEYOR_LOG_LEVEL: '\(text)' is not one of \(allowed)")
            return .info
        }
        return level
    }

    private mutating func integer(_ name: String) -> Int? {
        parse(name, as: "a whole number", Int.init)
    }

    private mutating func duration(_ name: String) -> Duration? {
        parse(name, as: "a duration such as 500ms, 30s, 10m, 24h or 7d", DurationText.parse)
    }

    private mutating func bytes(_ name: String) -> Int? {
        parse(name, as: "a size such as 50MB or 200MiB", ByteCount.parse)
    }

    private mutating func parse<T>(_ name: String, as kind: String, _ parse: (String) -> T?) -> T? {
        guard let text = environment[name] else { return nil }
        guard let value = parse(text) else {
            problems.append("\(name): '\(text)' is not \(kind)")
            return nil
        }
        return value
    }
}
