public import Configuration
public import Conveyor

extension ServerConfiguration {
    /// Reads the server settings under `scope` — `host`, `port`, `maxBodySize`, `rateLimit`,
    /// `httpHeaderTimeout`, `httpBodyTimeout`, `httpIdleTimeout`, `maxConnections`,
    /// `adminOnlyTypes` (a comma-separated list, `none` for none) — over the defaults, and throws
    /// every unreadable or out-of-range one at once, named by its key.
    public init(config: ConfigReader, scope: [String] = ["conveyor"]) throws(ConfigurationProblem) {
        var settings = SettingsReader(config, scope: scope)
        self.init()
        host = settings.text("host") ?? host
        port = settings.integer("port") ?? port
        maxBodySize = settings.bytes("maxBodySize") ?? maxBodySize
        rateLimitPerSecond = settings.integer("rateLimit") ?? rateLimitPerSecond
        http.headerTimeout = settings.duration("httpHeaderTimeout") ?? http.headerTimeout
        http.bodyTimeout = settings.duration("httpBodyTimeout") ?? http.bodyTimeout
        http.idleTimeout = settings.duration("httpIdleTimeout") ?? http.idleTimeout
        http.maxConnections = settings.integer("maxConnections") ?? http.maxConnections
        if let types = settings.text("adminOnlyTypes") {
            let names = types.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            adminOnlyTypes = names == ["none"] ? [] : Set(names)
        }
        settings.report(validation: problems)
        try settings.check()
    }
}
