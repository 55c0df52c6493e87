import ArgumentParser
import Conveyor
import ConveyorServer
import Foundation
import Logging
import ServiceLifecycle

/// `conveyor serve`: the HTTP API, WebSocket, dashboard and metrics, with workers (unless
/// `--no-workers`) and every built-in plugin. SIGTERM/SIGINT: new jobs get 503, running jobs
/// drain for up to CONVEYOR_DRAIN_TIMEOUT, WebSockets close with 1001, exit 0.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP API, WebSocket, dashboard and workers.",
        discussion: """
            Settings come from flags, then the environment (CONVEYOR_*, TELEGRAM_*, SMTP_*; see README), \
            then --config or conveyor.json/conveyor.yaml, then defaults. Without CONVEYOR_JWT_SECRET a \
            random secret is made and a ready admin token is printed once.
            """)

    @OptionGroup var storeOptions: StoreOptions
    @Option(help: "Address to listen on (default CONVEYOR_HOST or 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on, 0 for any free one (default CONVEYOR_PORT or 8080).") var port: Int?
    @Option(help: "Concurrent jobs, 1…1024 (default CONVEYOR_WORKERS or 16).") var workers: Int?
    @Option(help: "Comma-separated queues to work (default: all).", transform: { $0.split(separator: ",").map(String.init) })
    var queues: [String]?
    @Flag(help: "Serve the API only; jobs run in `conveyor worker` processes.") var noWorkers = false

    func run() async throws {
        var flags: [String: String] = [:]
        flags["CONVEYOR_HOST"] = host
        flags["CONVEYOR_PORT"] = port.map(String.init)
        flags["CONVEYOR_WORKERS"] = workers.map(String.init)
        var settings = CommandSettings(try await storeOptions.settings(flags: flags))
        let runtimeConfiguration = settings.runtimeConfiguration(queues: queues)
        let serverConfiguration = settings.serverConfiguration()
        let level = settings.logLevel()
        let download = settings.downloadConfiguration()
        let telegram = settings.telegramConfiguration()
        let smtp = settings.smtpConfiguration()
        let etl = settings.etlConfiguration(download: download, store: StoreOptions.url(in: settings.loaded))
        let given = settings.values["CONVEYOR_JWT_SECRET"]
        let policy = settings.tokenPolicy()
        let url = StoreOptions.url(in: settings.loaded)
        var tokens: TokenAuthority?
        do {
            if let given { tokens = try await TokenAuthority(secret: given, policy: policy) }
        } catch let error as TokenError {
            settings.problems.append(error.description)
        }
        guard settings.problems.isEmpty else { throw ValidationError(settings.problems.joined(separator: "\n")) }
        try PortCheck.ensureFree(host: serverConfiguration.host, port: serverConfiguration.port, setting: settings.loaded.name(of: ["conveyor", "port"]))
        // Without a given secret: the one beside the SQLite file (made on the first start), else one for this run.
        var secretNote: String?
        if tokens == nil {
            let secret: String
            if let file = SecretFile(store: url) {
                let (kept, made) = try file.readOrCreate()
                secret = kept
                secretNote = made
                    ? "CONVEYOR_JWT_SECRET is not set: made a secret in \(file.path) (mode 600), kept for later starts and `conveyor token`. Admin token (valid 7 days):"
                    : "CONVEYOR_JWT_SECRET is not set: signing with the secret in \(file.path). Admin token (valid 7 days):"
            } else {
                secret = TokenAuthority.randomSecret()
                secretNote = "CONVEYOR_JWT_SECRET is not set: made a random secret for this run. Admin token (valid 7 days, until restart):"
            }
            tokens = try await TokenAuthority(secret: secret, policy: policy)
        }
        guard let tokens else { return }
        let note = secretNote
        var logger = Logger(label: "conveyor.serve")
        logger.logLevel = level
        let own = try OwnPlugins.current.make(settings.loaded.reader)

        try await StoreOptions.withStore(url) { store in
            let plugins = BuiltInPlugins.all(download: download, etl: etl, telegram: telegram, smtp: smtp) + own
            let metrics = ConveyorMetrics()
            let runtime = try ConveyorRuntime(
                store: store, plugins: plugins, configuration: runtimeConfiguration, middleware: [metrics.jobs, JobLogging(logger: logger)], logger: logger)
            let server = try ConveyorServer(runtime: runtime, tokens: tokens, configuration: serverConfiguration, metrics: metrics, logger: logger)
            let adminToken = note == nil ? nil : try await tokens.token(user: "admin", admin: true, ttl: .seconds(7 * 86_400))
            let services = server.services(runWorkers: !noWorkers) { channel in
                let port = channel.localAddress?.port ?? serverConfiguration.port
                let base = "http://\(serverConfiguration.host):\(port)"
                var lines = [
                    "Conveyor listening on \(base) (store \(StoreOptions.safeDescription(url)), \(noWorkers ? "no workers" : "\(runtimeConfiguration.concurrency) workers"))",
                    "Dashboard: \(base)/",
                ]
                if let adminToken, let note { lines += [note, adminToken, "Dashboard with token: \(base)/#token=\(adminToken)"] }
                FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
            }
            // An API process without workers needs neither: it only validates and stores the jobs.
            if telegram == nil && !noWorkers { logger.notice("video-to-telegram jobs are accepted but not run here: TELEGRAM_BOT_TOKEN is not set") }
            if smtp == nil && !noWorkers { logger.notice("email jobs are accepted but not run here: SMTP_URL is not set") }
            if etl.directory == nil { logger.notice("etl is off: CONVEYOR_ETL_DIR is not set") }
            let group = ServiceGroup(configuration: .init(
                services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        }
        logger.info("Server stopped")
    }
}
