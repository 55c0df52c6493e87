public import Configuration

/// Reads one component's settings from a swift-configuration reader scope (`conveyor`,
/// `telegram`, `smtp`…) and gathers a problem per unreadable value under its full key, so a
/// configuration type can report every mistake at once. Values may arrive as text (environment,
/// flags) or typed (a JSON or YAML file): both are read as text and parsed the same way.
public struct SettingsReader {
    /// The reader, scoped to ``scope``.
    public let config: ConfigReader
    /// Where these settings live: `["telegram"]`.
    public let scope: [String]
    /// What was wrong so far.
    public private(set) var problems: [SettingProblem] = []

    public init(_ config: ConfigReader, scope: [String]) {
        self.config = scope.isEmpty ? config : config.scoped(to: ConfigKey(scope))
        self.scope = scope
    }

    /// The value of `key` as text; `nil` when unset or empty.
    public func text(_ key: String, isSecret: Bool = false) -> String? {
        let configKey = ConfigKey([key])
        if let text = config.string(forKey: configKey, isSecret: isSecret) { return text.isEmpty ? nil : text }
        if let number = config.int(forKey: configKey) { return String(number) }
        if let number = config.double(forKey: configKey) { return String(number) }
        if let flag = config.bool(forKey: configKey) { return flag ? "on" : "off" }
        return nil
    }

    /// The value of `key` parsed by `parse`; a problem naming `kind` when it does not parse.
    public mutating func value<T>(_ key: String, as kind: String, _ parse: (String) -> T?) -> T? {
        guard let text = text(key) else { return nil }
        guard let value = parse(text) else {
            report(key, "'\(text)' is not \(kind)")
            return nil
        }
        return value
    }

    public mutating func integer(_ key: String) -> Int? { value(key, as: "a whole number", Int.init) }

    public mutating func duration(_ key: String) -> Duration? {
        value(key, as: "a duration such as 500ms, 30s, 10m, 24h or 7d", DurationText.parse)
    }

    public mutating func bytes(_ key: String) -> Int? { value(key, as: "a size such as 50MB or 200MiB", ByteCount.parse) }

    /// Records a problem with `key` of this scope.
    public mutating func report(_ key: String, _ message: String) {
        problems.append(SettingProblem(key: scope + [key], message))
    }

    /// Records a configuration type's own validation lines (`lease: 0s is out of range 1s…1h`),
    /// whose names are keys of this scope.
    public mutating func report(validation lines: [String]) {
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else {
                problems.append(SettingProblem(key: scope, line))
                continue
            }
            report(String(line[..<colon]), String(line[line.index(after: colon)...].drop { $0 == " " }))
        }
    }

    /// Adds the problems of a configuration type read under another scope.
    public mutating func absorb(_ problem: ConfigurationProblem) {
        problems += problem.problems
    }

    /// Throws every problem gathered, if any.
    public func check() throws(ConfigurationProblem) {
        if !problems.isEmpty { throw ConfigurationProblem(problems) }
    }
}
