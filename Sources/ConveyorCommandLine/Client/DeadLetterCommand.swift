import ArgumentParser
import ConveyorAPI

/// `conveyor dlq list | retry ID | cleanup --older-than 30d` (admin token).
struct DeadLetterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq", abstract: "The dead-letter list (failed jobs): list, retry, clean up.",
        subcommands: [List.self, Retry.self, Cleanup.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List failed jobs, newest first.")
        @OptionGroup var clientOptions: ClientOptions
        @Option(help: "At most this many (1…1000).") var limit = 50

        func run() async throws {
            Printing.json(try await clientOptions.client().send("GET", "api/dead-letter", query: ["limit": String(limit)]))
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a failed job back in its queue.")
        @OptionGroup var clientOptions: ClientOptions
        @Argument(help: "The job id.") var jobID: String

        func run() async throws {
            Printing.json(try await clientOptions.client().send("POST", "api/dead-letter/\(jobID)/retry"))
        }
    }

    struct Cleanup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete failed jobs that finished longer ago than --older-than.")
        @OptionGroup var clientOptions: ClientOptions
        @Option(help: "Age such as 30d or 12h.") var olderThan: String

        func run() async throws {
            guard let age = DurationValue(text: olderThan) else { throw ClientError("--older-than: '\(olderThan)' is not a duration such as 30d or 12h") }
            Printing.json(try await clientOptions.client().send("POST", "api/dead-letter/cleanup", body: CleanupBody(olderThan: age)))
        }
    }
}
