import Conveyor
import ConveyorTelegramUpload
import ConveyorTesting
import ConveyorVideoDownload
import Foundation
import Logging
import Synchronization
import TestSupport

/// The media fixture server and the Bot API double, and a way to run one `video-to-telegram` job
/// through a real runtime against them.
struct TelegramHarness {
    /// One finished job and everything it showed on the way.
    struct Run {
        var job: Job
        var progress: [JobProgress]
        var states: [JobStatus]
        /// Budget bytes held after the job ended (must be 0) and the most held at once.
        var memoryAfter: Int
        var memoryPeak: Int
        /// Every error message and result the runtime announced.
        var announced: [String]

        var message: TelegramMessage? { job.result.flatMap { try? JSONDecoder().decode(TelegramMessage.self, from: $0) } }
        var failure: String { job.error?.message ?? "" }
    }

    let media: ScriptServer
    let telegram: BotAPIDouble

    init() async throws {
        media = try await FixtureServer.start()
        telegram = try await BotAPIDouble.start()
    }

    /// A fixture's URL on the media server, e.g. `/files/faststart.mp4`.
    func url(_ path: String) -> String { media.url(path) }

    func configuration(token: String, maxUpload: Int? = nil) -> TelegramConfiguration {
        TelegramConfiguration(token: TelegramBotToken(token)!, apiURL: telegram.apiURL, maxUpload: maxUpload)
    }

    /// Runs one job to its end: short fixed backoff so retries are quick, downloads from loopback
    /// allowed (the fixture server), logs to `logger` when given.
    func run(
        _ request: VideoToTelegramRequest, token: String, telegram: TelegramConfiguration? = nil, maxUpload: Int? = nil,
        logger: Logger? = nil
    ) async throws -> Run {
        let plugin = TelegramUploadPlugin(
            telegram: telegram ?? configuration(token: token, maxUpload: maxUpload), download: VideoDownloadConfiguration(destinations: .any),
            options: JobOptions(retry: .fixed([.milliseconds(100)]), maxAttempts: 3))
        return try await withTestRuntime(plugins: [plugin], logger: logger) { runtime in
            let events = runtime.events()
            let id = try await runtime.enqueue(JobRequest(type: VideoToTelegram.name, payload: try JSONEncoder().encode(request))).job.id
            var progress: [JobProgress] = []
            var states: [JobStatus] = []
            var announced: [String] = []
            for await event in events {
                switch event {
                case .progress(let update) where update.jobID == id:
                    progress.append(update.progress)
                case .stateChanged(let change) where change.jobID == id:
                    states.append(change.status)
                    announced += [change.error?.message, change.result.map { String(decoding: $0, as: UTF8.self) }].compactMap { $0 }
                default:
                    break
                }
                if states.last?.isTerminal == true { break }
            }
            let job = try await runtime.waitUntilFinished(id, pollEvery: .milliseconds(10))
            let memory = runtime.memory.stats
            return Run(job: job, progress: progress, states: states, memoryAfter: memory.current, memoryPeak: memory.peak, announced: announced)
        }
    }
}

/// Keeps every log line (message and metadata) a logger writes, to check what reaches logs.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    func logger() -> Logger {
        var logger = Logger(label: "conveyor.tests") { _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            capture.lines.withLock { $0.append("\(event.message) \(merged)") }
        }
    }
}
