import ArgumentParser
import Conveyor
import ConveyorAPI
import Foundation

/// `conveyor batch show ID [--watch]`: a batch's counts and its callbacks; `--watch` draws the
/// share of ended jobs until the batch finishes and exits 1 unless every job completed (130 on
/// Ctrl-C); `--json` as sent, `-q` the batch's state alone.
struct BatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "batch", abstract: "Show a batch of jobs.", subcommands: [Show.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a batch: its counts and its callbacks.")

        @OptionGroup var clientOptions: ClientOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The batch's id (from POST /api/batches).") var batchID: String
        @Flag(help: "Follow the batch until every job has ended.") var watch = false

        func validate() throws {
            if JobID(batchID) == nil { throw ValidationError("BATCH_ID: '\(batchID)' is not a batch id (UUID)") }
        }

        func run() async throws {
            let client = try clientOptions.client()
            var (batch, data) = try await client.send("GET", "api/batches/\(batchID)", as: BatchResource.self)
            if watch {
                let poller = ResourcePoller<BatchResource>(
                    client: client, path: "api/batches/\(batchID)", drawsProgress: !output.quiet, isRunning: { $0.status == .running },
                    progress: { batch in (batch.percent, "\(batch.total - batch.pending)/\(batch.total) jobs ended") })
                (batch, data) = try await poller.follow(
                    from: (batch, data), interrupted: "Interrupted; batch \(batchID) goes on (conveyor batch show \(batchID) --watch)")
            }
            if output.json {
                Printing.json(data)
            } else if output.quiet {
                Printing.line(batch.status.rawValue)
            } else {
                Printing.line("batch \(batch.id)\(batch.name.map { " (\($0))" } ?? ""): \(batch.status.rawValue), \(Int(batch.percent.rounded()))% ended")
                Printing.table(
                    ["TOTAL", "PENDING", "COMPLETED", "FAILED", "CANCELLED"],
                    [[batch.total, batch.pending, batch.completed, batch.failed, batch.cancelled].map(String.init)])
                let callbacks = [("onComplete", batch.callbacks.onComplete), ("onSuccess", batch.callbacks.onSuccess), ("onFailure", batch.callbacks.onFailure)]
                Printing.table(["CALLBACK", "JOB"], callbacks.map { [$0.0, $0.1 ?? "-"] })
            }
            if watch && batch.completed != batch.total { throw ExitCode.failure }
        }
    }
}
