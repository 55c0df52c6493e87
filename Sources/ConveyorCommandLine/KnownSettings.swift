/// Every setting a config file may hold, as its nested key (`conveyor.maxQueueSize` is
/// `CONVEYOR_MAX_QUEUE_SIZE`): what the library's configuration types read under their scopes,
/// and what the command line reads itself. A file key outside it is a typo (`wrokers: 4`) and
/// is refused rather than silently ignored; a test reads every configuration type with access
/// recording and checks this list is exactly what they read.
enum KnownSettings {
    /// By scope, then name.
    static let byScope: [String: [String]] = [
        "conveyor": [
            // The command line's own.
            "store", "jwtSecret", "logLevel", "config",
            // RuntimeConfiguration.
            "workers", "lease", "jobTimeout", "drainTimeout", "maxQueueSize", "maxTotalMemory", "maxMemoryPerJob",
            "memoryWarningThreshold", "maxStepOutput", "retentionCompleted", "retentionFailed",
            // ServerConfiguration and TokenPolicy.
            "host", "port", "maxBodySize", "rateLimit", "maxJobs", "maxJobsPerUser", "maxConnections", "adminOnlyTypes",
            "httpHeaderTimeout", "httpBodyTimeout", "httpIdleTimeout", "jwtIssuer", "jwtAudience", "jwtRoleClaim", "jwtPublicKeys",
            // The plugins' settings under `conveyor`.
            "allowPrivateUrls", "etlDir", "etlMaxOutput",
        ],
        "telegram": ["botToken", "apiUrl", "maxUpload"],
        "smtp": ["url", "username", "password", "from", "caFile"],
    ]

    static let keys: Set<String> = Set(byScope.flatMap { scope, names in names.map { "\(scope).\($0)" } })

    /// The known key nearest to `key` (at most a few letters apart), to suggest for a typo.
    static func nearest(to key: String) -> String? {
        let scored = keys.map { ($0, distance($0.lowercased(), key.lowercased())) }.filter { $0.1 <= 3 }
        return scored.min { ($0.1, $0.0) < ($1.1, $1.0) }?.0
    }

    private static func distance(_ a: String, _ b: String) -> Int {
        let (a, b) = (Array(a), Array(b))
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return a.isEmpty ? b.count : row[b.count]
    }
}
