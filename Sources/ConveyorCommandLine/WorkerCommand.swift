import ArgumentParser
import Conveyor
import ConveyorServer
import Foundation
import Logging
import ServiceLifecycle

/// `conveyor worker`: runs jobs from the store with every built-in plugin, no HTTP. Start as
/// many as the machine (or, on PostgreSQL, the cluster) should run; SIGTERM or SIGINT drains.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run jobs from the store (workers only, no HTTP).",
        discussion: """
            Reads CONVEYOR_LEASE, CONVEYOR_JOB_TIMEOUT, CONVEYOR_MAX_TOTAL_MEMORY, \
            CONVEYOR_MAX_MEMORY_PER_JOB, CONVEYOR_RETENTION_*, CONVEYOR_LOG_LEVEL, \
            CONVEYOR_ALLOW_PRIVATE_URLS, TELEGRAM_BOT_TOKEN, TELEGRAM_API_URL, TELEGRAM_MAX_UPLOAD \
            (video-to-telegram is offered only with a token) and SMTP_URL, SMTP_USERNAME, \
            SMTP_PASSWORD, SMTP_FROM, SMTP_CA_FILE (email is offered only with SMTP_URL) and \
            CONVEYOR_ETL_DIR (the directory etl jobs read and write in) from the environment. SIGTERM or SIGINT stops claiming, lets running jobs finish for up to \
            30s, re-queues the rest and exits 0.
            """)

    @OptionGroup var storeOptions: StoreOptions
    @Option(help: "Concurrent jobs, 1…1024 (default CONVEYOR_WORKERS or 16).") var workers: Int?
    @Option(help: "Comma-separated queues to work (default: all).", transform: { $0.split(separator: ",").map(String.init) })
    var queues: [String]?
    @Option(help: "Serve /metrics and /health on this port (default: none).") var metricsPort: Int?
    @Option(help: "The address --metrics-port listens on.") var metricsHost = "0.0.0.0"

    func validate() throws {
        if let metricsPort, !(0...65535).contains(metricsPort) {
            throw ValidationError("--metrics-port: \(metricsPort) is not a port (0…65535)")
        }
    }

    func run() async throws {
        var settings = CommandSettings(try await storeOptions.settings(flags: workers.map { ["CONVEYOR_WORKERS": String($0)] } ?? [:]))
        let configuration = settings.runtimeConfiguration(queues: queues)
        let level = settings.logLevel()
        let download = settings.downloadConfiguration()
        let telegram = settings.telegramConfiguration()
        let smtp = settings.smtpConfiguration()
        let etl = settings.etlConfiguration(download: download, store: StoreOptions.url(in: settings.loaded))
        guard settings.problems.isEmpty else {
            throw ValidationError(settings.problems.joined(separator: "\n"))
        }
        if let metricsPort { try PortCheck.ensureFree(host: metricsHost, port: metricsPort, setting: "--metrics-port") }
        var logger = Logger(label: "conveyor.worker")
        logger.logLevel = level

        let url = StoreOptions.url(in: settings.loaded)
        let own = try OwnPlugins.current.make(settings.loaded.reader)
        try await StoreOptions.withStore(url) { store in
            let metrics = ConveyorMetrics()
            let runtime = try ConveyorRuntime(
                store: store, plugins: BuiltInPlugins.all(download: download, etl: etl, telegram: telegram, smtp: smtp) + own,
                configuration: configuration, middleware: [metrics.jobs, JobLogging(logger: logger)], logger: logger)
            logger.info("Worker started", metadata: [
                "store": "\(StoreOptions.safeDescription(url))", "workers": "\(configuration.concurrency)", "worker": "\(configuration.workerID)",
            ])
            if telegram == nil { logger.notice("video-to-telegram jobs are accepted but not run here: TELEGRAM_BOT_TOKEN is not set") }
            if smtp == nil { logger.notice("email jobs are accepted but not run here: SMTP_URL is not set") }
            if etl.directory == nil { logger.notice("etl is off: CONVEYOR_ETL_DIR is not set") }
            var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: runtime)]
            if let metricsPort {
                let host = metricsHost
                let monitorLogger = logger
                let monitor = ConveyorMonitor(runtime: runtime, metrics: metrics, host: host, port: metricsPort, logger: logger) { channel in
                    monitorLogger.info("Serving /metrics and /health", metadata: ["address": "\(host):\(channel.localAddress?.port ?? metricsPort)"])
                }
                // Stops listening only once the workers drained, so probes see the drain.
                services.insert(.init(service: monitor), at: 0)
            }
            let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        }
        logger.info("Worker stopped")
    }
}
