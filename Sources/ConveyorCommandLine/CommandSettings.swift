import Conveyor
import ConveyorETL
import ConveyorEmailDelivery
import ConveyorServer
import ConveyorStores
import ConveyorTelegramUpload
import ConveyorVideoDownload
import Foundation
import Logging

/// The settings of DESIGN §7 that shape a command, read once at start through the library's
/// configuration types. Every problem is one line naming the setting as the operator gave it
/// (flag, environment variable, or the config file's key), its value and what is allowed.
struct CommandSettings {
    let loaded: LoadedConfiguration
    var problems: [String] = []

    init(_ loaded: LoadedConfiguration) {
        self.loaded = loaded
    }

    /// The command line's own values (store URL, JWT secret, log level), in environment form.
    var values: [String: String] { loaded.values }

    /// Runs a library reader; its problems become lines, and `fallback` stands in for the value.
    private mutating func read<T>(_ fallback: @autoclosure () -> T, _ body: () throws(ConfigurationProblem) -> T) -> T {
        do {
            return try body()
        } catch {
            problems += error.problems.map(loaded.line)
            return fallback()
        }
    }

    /// How the workers run (`--workers` arrives as a flag over `CONVEYOR_WORKERS`).
    mutating func runtimeConfiguration(queues: [String]?) -> RuntimeConfiguration {
        let reader = loaded.reader
        return read(RuntimeConfiguration(queues: queues)) { () throws(ConfigurationProblem) in try RuntimeConfiguration(config: reader, queues: queues) }
    }

    /// How download jobs reach the network (`CONVEYOR_ALLOW_PRIVATE_URLS`).
    mutating func downloadConfiguration() -> VideoDownloadConfiguration {
        let reader = loaded.reader
        return read(VideoDownloadConfiguration()) { () throws(ConfigurationProblem) in try VideoDownloadConfiguration.from(config: reader) }
    }

    /// The Bot API settings (`TELEGRAM_*`); `nil` without a token.
    mutating func telegramConfiguration() -> TelegramConfiguration? {
        let reader = loaded.reader
        return read(nil) { () throws(ConfigurationProblem) in try TelegramConfiguration.from(config: reader) }
    }

    /// Where `etl` jobs may read and write (`CONVEYOR_ETL_DIR`; unset, etl is off); URL sources
    /// follow the downloads' address policy. The job store, the config file and the password
    /// file are out of their reach whatever the directory.
    mutating func etlConfiguration(download: VideoDownloadConfiguration, store: String) -> ETLConfiguration {
        var protection = ETLProtection(files: loaded.file.map { [$0] } ?? [])
        switch try? StoreLocation(store) {
        // The signing secret kept beside it too: a payload naming it would read the secret.
        case .sqlite(let path)?: protection.files += ETLProtection.sqliteFiles(path) + [SecretFile(store: store)?.path].compactMap { $0 }
        case .postgres(let options)?: protection.databases.append(options)
        case .memory?, nil: break
        }
        let (reader, environment) = (loaded.reader, loaded.environment)
        return read(ETLConfiguration.off(destinations: download.destinations)) { () throws(ConfigurationProblem) in
            try ETLConfiguration.from(config: reader, destinations: download.destinations, protection: protection, environment: environment)
        }
    }

    /// The SMTP settings (`SMTP_*`); `nil` without `SMTP_URL`.
    mutating func smtpConfiguration() -> SMTPConfiguration? {
        let reader = loaded.reader
        return read(nil) { () throws(ConfigurationProblem) in try SMTPConfiguration.from(config: reader) }
    }

    /// Where and how the HTTP server listens, flags already applied; the connection cap is
    /// kept below this process's file descriptor limit.
    mutating func serverConfiguration() -> ServerConfiguration {
        let reader = loaded.reader
        var configuration = read(ServerConfiguration()) { () throws(ConfigurationProblem) in try ServerConfiguration(config: reader) }
        let descriptors = FileDescriptors.raiseLimit()
        let key = ["conveyor", "maxConnections"]
        if loaded.reader.string(forKey: .init(key)) != nil || loaded.reader.int(forKey: .init(key)) != nil {
            if configuration.http.maxConnections > descriptors - FileDescriptors.reserve {
                problems.append(loaded.line(SettingProblem(key: key,
                    "\(configuration.http.maxConnections) would leave fewer than \(FileDescriptors.reserve) of this process's \(descriptors) file descriptors for the store and jobs; lower it or raise the limit (ulimit -n)")))
            }
        } else {
            configuration.http.maxConnections = max(16, min(configuration.http.maxConnections, descriptors - FileDescriptors.reserve))
        }
        return configuration
    }

    /// What tokens must carry besides a good signature, and which public keys may sign them
    /// (`CONVEYOR_JWT_ISSUER`, `_AUDIENCE`, `_ROLE_CLAIM`, `_PUBLIC_KEYS`: a PEM or JWKS file).
    mutating func tokenPolicy() -> TokenPolicy {
        let reader = loaded.reader
        return read(TokenPolicy()) { () throws(ConfigurationProblem) in try TokenPolicy(config: reader) }
    }

    mutating func logLevel() -> Logger.Level {
        guard let text = values["CONVEYOR_LOG_LEVEL"] else { return .info }
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            let allowed = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            problems.append("\(loaded.name(of: ["conveyor", "logLevel"])): '\(text)' is not one of \(allowed)")
            return .info
        }
        return level
    }
}
