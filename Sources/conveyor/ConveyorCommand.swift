import ArgumentParser
import Conveyor
import Foundation

/// The `conveyor` command line. Exit codes: 0 ok, 1 failure, 2 usage error.
@main
struct ConveyorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conveyor",
        abstract: "Background jobs for Swift: workers, stores and tools.",
        version: ConveyorVersion.current,
        subcommands: [
            ServeCommand.self, WorkerCommand.self, EnqueueCommand.self, StatusCommand.self, CancelCommand.self, RetryCommand.self,
            DeadLetterCommand.self, MemoryCommand.self, HealthCommand.self, CleanCommand.self, MigrateCommand.self, TokenCommand.self,
            BenchCommand.self,
        ])

    static func main() async {
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
