import ArgumentParser
import Configuration
import Foundation
import SystemPackage

/// DESIGN §7's precedence, through swift-configuration: flags > environment > config file
/// (`--config`, `CONVEYOR_CONFIG`, or `conveyor.json`/`conveyor.yaml` in the working directory
/// when present) > defaults. The result is one flat map in environment form
/// (`CONVEYOR_WORKERS`), which the settings readers check value by value.
///
/// A file nests the same names: `CONVEYOR_MAX_QUEUE_SIZE` is `{"conveyor": {"maxQueueSize": …}}`
/// and `SMTP_URL` is `{"smtp": {"url": …}}`.
enum ConfigurationSources {
    /// Every name a command reads.
    static let names = [
        "CONVEYOR_STORE", "CONVEYOR_HOST", "CONVEYOR_PORT", "CONVEYOR_WORKERS", "CONVEYOR_MAX_QUEUE_SIZE", "CONVEYOR_JOB_TIMEOUT",
        "CONVEYOR_LEASE", "CONVEYOR_MAX_TOTAL_MEMORY", "CONVEYOR_MAX_MEMORY_PER_JOB", "CONVEYOR_MEMORY_WARNING_THRESHOLD",
        "CONVEYOR_RETENTION_COMPLETED", "CONVEYOR_RETENTION_FAILED", "CONVEYOR_JWT_SECRET", "CONVEYOR_LOG_LEVEL",
        "CONVEYOR_ALLOW_PRIVATE_URLS", "CONVEYOR_MAX_BODY_SIZE", "CONVEYOR_RATE_LIMIT", "CONVEYOR_DRAIN_TIMEOUT", "CONVEYOR_ETL_DIR",
        "CONVEYOR_ETL_MAX_OUTPUT", "CONVEYOR_ADMIN_ONLY_TYPES", "CONVEYOR_MAX_JOBS", "CONVEYOR_MAX_JOBS_PER_USER",
        "CONVEYOR_HTTP_HEADER_TIMEOUT", "CONVEYOR_HTTP_BODY_TIMEOUT", "CONVEYOR_HTTP_IDLE_TIMEOUT", "CONVEYOR_MAX_CONNECTIONS",
        "CONVEYOR_JWT_ISSUER", "CONVEYOR_JWT_AUDIENCE", "CONVEYOR_JWT_ROLE_CLAIM", "CONVEYOR_JWT_PUBLIC_KEYS",
        "TELEGRAM_BOT_TOKEN", "TELEGRAM_API_URL", "TELEGRAM_MAX_UPLOAD", "SMTP_URL", "SMTP_USERNAME", "SMTP_PASSWORD", "SMTP_FROM",
        "SMTP_CA_FILE",
    ]
    static let secrets: Set<String> = ["CONVEYOR_JWT_SECRET", "TELEGRAM_BOT_TOKEN", "SMTP_PASSWORD"]

    /// The merged settings. `flags` uses environment-form names.
    static func load(flags: [String: String], configFile: String?, environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> [String: String] {
        var providers: [any ConfigProvider] = [
            InMemoryProvider(name: "flags", values: Dictionary(uniqueKeysWithValues: flags.map { (AbsoluteConfigKey(key(for: $0.key)), ConfigValue(.string($0.value), isSecret: secrets.contains($0.key))) })),
            EnvironmentVariablesProvider(environmentVariables: environment, secretsSpecifier: .specific(secrets)),
        ]
        if let path = try configPath(explicit: configFile ?? environment["CONVEYOR_CONFIG"]) {
            do {
                if path.hasSuffix(".yaml") || path.hasSuffix(".yml") {
                    providers.append(try await FileProvider<YAMLSnapshot>(filePath: FilePath(path)))
                } else {
                    providers.append(try await FileProvider<JSONSnapshot>(filePath: FilePath(path)))
                }
            } catch {
                throw ValidationError("config file \(path): \(error)")
            }
        }
        let reader = ConfigReader(providers: providers)
        var merged: [String: String] = [:]
        // Which file was read, so what must stay out of reach of jobs (etl) knows it.
        if let path = try configPath(explicit: configFile ?? environment["CONVEYOR_CONFIG"]) { merged["CONVEYOR_CONFIG"] = path }
        for name in names {
            let key = ConfigKey(key(for: name))
            if let text = reader.string(forKey: key) {
                merged[name] = text
            } else if let number = reader.int(forKey: key) {
                merged[name] = String(number)
            } else if let number = reader.double(forKey: key) {
                merged[name] = String(number)
            } else if let flag = reader.bool(forKey: key) {
                merged[name] = flag ? "on" : "off"
            }
        }
        return merged
    }

    /// `CONVEYOR_MAX_QUEUE_SIZE` → `conveyor.maxQueueSize` (the environment provider maps it back).
    static func key(for name: String) -> [String] {
        let words = name.lowercased().split(separator: "_").map(String.init)
        guard let first = words.first else { return [] }
        let rest = words.dropFirst().enumerated().map { $0.offset == 0 ? $0.element : $0.element.prefix(1).uppercased() + $0.element.dropFirst() }
        return rest.isEmpty ? [first] : [first, rest.joined()]
    }

    private static func configPath(explicit: String?) throws -> String? {
        if let explicit {
            guard FileManager.default.fileExists(atPath: explicit) else { throw ValidationError("--config: no file at \(explicit)") }
            return explicit
        }
        return ["conveyor.json", "conveyor.yaml", "conveyor.yml"].first { FileManager.default.fileExists(atPath: $0) }
    }
}
