import ArgumentParser
import Configuration
import Foundation
import SystemPackage
import Yams

/// DESIGN §7's precedence, through swift-configuration: flags > environment > config file
/// (`--config`, `CONVEYOR_CONFIG`, or `conveyor.json`/`conveyor.yaml` in the working directory
/// when present) > defaults. The library's configuration types read the resulting reader, each
/// under its scope; only this command-line layer knows the environment names.
///
/// A file nests the same names: `CONVEYOR_MAX_QUEUE_SIZE` is `{"conveyor": {"maxQueueSize": …}}`
/// and `SMTP_URL` is `{"smtp": {"url": …}}`.
enum ConfigurationSources {
    /// The names the command line reads itself (the store, the signing secret, the log level).
    static let names = ["CONVEYOR_STORE", "CONVEYOR_JWT_SECRET", "CONVEYOR_LOG_LEVEL"]
    static let secrets: Set<String> = ["CONVEYOR_JWT_SECRET", "TELEGRAM_BOT_TOKEN", "SMTP_PASSWORD"]

    /// The merged settings. `flags` uses environment-form names.
    static func load(
        flags: [String: String], configFile: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> LoadedConfiguration {
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
                throw ValidationError("config file \(path): \(describe(error, yaml: !path.hasSuffix(".json")))")
            }
            try refuseUnknownKeys(in: path)
        }
        let reader = ConfigReader(providers: providers)
        var merged: [String: String] = [:]
        // Which file was read, so what must stay out of reach of jobs (etl) knows it.
        let file = try configPath(explicit: configFile ?? environment["CONVEYOR_CONFIG"])
        if let file { merged["CONVEYOR_CONFIG"] = file }
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
        return LoadedConfiguration(reader: reader, values: merged, flags: flags, environment: environment, file: file)
    }


    /// A key the file holds that no setting reads is a typo that would be ignored: each one is
    /// a line naming the file and the key, with the nearest known key.
    private static func refuseUnknownKeys(in path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { return }
        let text = String(decoding: data, as: UTF8.self)
        let root: Any? = path.hasSuffix(".json") ? try? JSONSerialization.jsonObject(with: data) : try? Yams.load(yaml: text)
        var keys: [String] = []
        func collect(_ value: Any?, _ path: [String]) {
            if let object = value as? [String: Any] {
                for (key, child) in object { collect(child, path + [key]) }
            } else if !path.isEmpty {
                keys.append(path.joined(separator: "."))
            }
        }
        collect(root, [])
        let unknown = keys.filter { !KnownSettings.keys.contains($0) }.sorted()
        guard !unknown.isEmpty else { return }
        throw ValidationError(unknown.map { key in
            "\(path): \(key): is not a known setting" + (KnownSettings.nearest(to: key).map { " (did you mean \($0)?)" } ?? "")
        }.joined(separator: "\n"))
    }

    /// `CONVEYOR_MAX_QUEUE_SIZE` → `conveyor.maxQueueSize` (the environment provider maps it back).
    static func key(for name: String) -> [String] {
        let words = name.lowercased().split(separator: "_").map(String.init)
        guard let first = words.first else { return [] }
        let rest = words.dropFirst().enumerated().map { $0.offset == 0 ? $0.element : $0.element.prefix(1).uppercased() + $0.element.dropFirst() }
        return rest.isEmpty ? [first] : [first, rest.joined()]
    }

    /// A file that cannot be read or parsed, in words (Foundation's parser says only "Code=3840").
    private static func describe(_ error: any Error, yaml: Bool) -> String {
        let cocoa = error as NSError
        guard cocoa.domain == NSCocoaErrorDomain else { return "not valid \(yaml ? "YAML" : "JSON"): \(error)" }
        let detail = (cocoa.userInfo["NSDebugDescription"] as? String).map { " (\($0))" } ?? ""
        return cocoa.code == NSFileReadNoSuchFileError || cocoa.code == NSFileReadNoPermissionError
            ? "cannot be read\(detail)" : "not valid \(yaml ? "YAML" : "JSON")\(detail)"
    }

    private static func configPath(explicit: String?) throws -> String? {
        if let explicit {
            guard FileManager.default.fileExists(atPath: explicit) else { throw ValidationError("--config: no file at \(explicit)") }
            return explicit
        }
        return ["conveyor.json", "conveyor.yaml", "conveyor.yml"].first { FileManager.default.fileExists(atPath: $0) }
    }
}
