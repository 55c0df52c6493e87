// The headline pipeline as a command: download a video into memory, read it, send it to Telegram.
import ArgumentParser
import Configuration
import Conveyor
import ConveyorCurl
import ConveyorStores
import ConveyorTelegramUpload
import ConveyorVideoDownload
import Foundation
import Logging

@main
struct VideoToTelegramCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "video-to-telegram",
        abstract: "Send a video from a URL to a Telegram chat, without touching the disk.",
        discussion: """
            Reads TELEGRAM_BOT_TOKEN (required), TELEGRAM_API_URL (a local Bot API server), \
            TELEGRAM_MAX_UPLOAD and CONVEYOR_ALLOW_PRIVATE_URLS (to fetch from private or \
            loopback addresses). Prints the message id on stdout; progress goes to stderr.
            Exit status: 0 sent, 1 the job failed, 2 bad arguments or settings.
            """)

    @Argument(help: "The video's http(s) URL.") var url: String
    @Option(parsing: .unconditional, help: "Chat id (e.g. -1001234567890) or @channelusername.") var chat: String
    @Option(help: "Caption, up to 1024 characters (longer ones are cut).") var caption: String?
    @Option(help: "Job store: memory: (default) or sqlite:PATH to keep the job's history.") var store = "memory:"

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let (request, telegram, download, location) = try settings(environment)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: environment["CONVEYOR_LOG_LEVEL"] ?? "") ?? .error
            return handler
        }

        // One job at a time, with room for the largest video Telegram takes.
        var configuration = RuntimeConfiguration(concurrency: 1, pollInterval: .milliseconds(50))
        configuration.memory.maxPerJob = telegram.maxUpload
        configuration.memory.maxTotal = max(configuration.memory.maxTotal, telegram.maxUpload)
        let pipeline = VideoToTelegram.pipeline(telegram: telegram, download: download)
        let plugin = TelegramUploadPlugin(telegram: telegram, download: download)

        let job = try await location.withStore { store in
            let runtime = try ConveyorRuntime(store: store, plugins: [plugin], configuration: configuration)
            return try await runtime.withRunning {
                let events = runtime.events()
                let id = try await runtime.enqueue(pipeline, request).job.id
                let interrupt = Interrupt { Task { _ = try? await runtime.cancel(id) } }
                await ProgressDisplay(jobID: id).follow(events)
                interrupt.stop()
                return try await runtime.store.job(id)
            }
        }
        guard let job, job.status == .completed, let data = job.result,
            let message = try? JSONDecoder().decode(TelegramMessage.self, from: data)
        else {
            Self.fail(job?.error?.message ?? "the job ended \(job?.status.rawValue ?? "without a record")", status: 1)
        }
        if let old = message.migratedFrom { ProgressDisplay.say("Note: chat \(old) is now \(message.chatId); use the new id from now on.") }
        ProgressDisplay.say("Sent to chat \(message.chatId) as message \(message.messageId).")
        print(message.messageId)
    }

    /// Everything the run needs, checked before anything starts: one clear line and exit 2 if not.
    private func settings(_ environment: [String: String]) throws
        -> (VideoToTelegramRequest, TelegramConfiguration, VideoDownloadConfiguration, StoreLocation)
    {
        guard let chatId = TelegramChatID(chat) else { Self.fail("--chat: '\(chat)' is not valid; \(TelegramChatID.expected)", status: 2) }
        if let problem = FetchableURL.problem(with: url) { Self.fail("URL: \(problem)", status: 2) }
        let config = ConfigReader(provider: EnvironmentVariablesProvider(environmentVariables: environment, secretsSpecifier: .specific(["TELEGRAM_BOT_TOKEN"])))
        do {
            guard let telegram = try TelegramConfiguration.from(config: config) else {
                Self.fail("TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and export its token", status: 2)
            }
            let download = try VideoDownloadConfiguration.from(config: config)
            let location = try StoreLocation(store)
            return (VideoToTelegramRequest(url: url, chatId: chatId, caption: caption), telegram, download, location)
        } catch let problem as ConfigurationProblem {
            Self.fail(problem.problems.map { "\($0.environmentVariable): \($0.message)" }.joined(separator: "; "), status: 2)
        } catch let error as ConveyorError {
            Self.fail("--\(error.message)", status: 2)
        }
    }

    /// Argument mistakes (a missing `--chat`) exit 2 as the help says, not ArgumentParser's 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand { try await asyncCommand.run() } else { try command.run() }
        } catch {
            let code = exitCode(for: error)
            if code == .success || error is CleanExit { exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(code == .failure ? 1 : 2)
        }
    }

    static func fail(_ message: String, status: Int32) -> Never {
        ProgressDisplay.say("video-to-telegram: \(message)")
        Foundation.exit(status)
    }
}
