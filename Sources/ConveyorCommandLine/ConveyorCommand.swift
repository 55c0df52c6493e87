public import ArgumentParser
public import Configuration
public import Conveyor
import Foundation

/// The `conveyor` command line — `serve`, `worker`, `enqueue`, `status` and the rest — as a
/// library, so your own executable can be that command with your plugins registered beside the
/// built-ins: one `main.swift` calling ``main(plugins:)`` gives your job types the server, the
/// dashboard, workers and the CLI, with no fork. Exit codes: 0 ok, 1 failure, 2 usage error,
/// 130 when interrupted while waiting.
public struct ConveyorCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "conveyor",
        abstract: "Background jobs for Swift: workers, stores and tools.",
        version: ConveyorVersion.current,
        subcommands: [
            ServeCommand.self, WorkerCommand.self, EnqueueCommand.self, StatusCommand.self, JobsCommand.self, CancelCommand.self, RetryCommand.self,
            QueueCommand.self, QueueCommand.Resume.self, WorkersCommand.self, FlowCommand.self, BatchCommand.self,
            DeadLetterCommand.self, MemoryCommand.self, HealthCommand.self, CleanCommand.self, MigrateCommand.self, TokenCommand.self,
            BenchCommand.self,
        ])

    public init() {}

    /// Runs the command line with `plugins` beside the built-ins in `serve` and `worker`.
    public static func main(plugins: [any ConveyorPlugin]) async {
        await main(plugins: { _ in plugins })
    }

    /// Runs the command line with plugins made from the run's settings — flags, environment and
    /// config file, as one reader — so your plugin reads its own keys (`config.scoped(to: "greeter")`)
    /// the way the built-ins read theirs. A throw stops `serve` or `worker` with its message.
    public static func main(plugins: @escaping @Sendable (ConfigReader) throws -> [any ConveyorPlugin]) async {
        await OwnPlugins.$current.withValue(OwnPlugins(make: plugins)) { await start() }
    }

    private static func start() async {
        var command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(error, withUsage: true)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            // Settings are checked once the command runs: their problems are the whole message,
            // one line each, without the usage block a mistyped flag gets.
            exit(error, withUsage: false)
        }
    }

    private static func exit(_ error: any Error, withUsage usage: Bool) -> Never {
        let code = exitCode(for: error)
        if code == .success || error is CleanExit { exit(withError: error) }
        let message = usage ? fullMessage(for: error) : "Error: \(message(for: error))"
        if message != "Error: " { FileHandle.standardError.write(Data((message + "\n").utf8)) }
        Foundation.exit(code == .validationFailure || error is ValidationError ? 2 : 1)
    }
}
