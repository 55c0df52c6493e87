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
            if watch && batch.status == .running {
                let bar = ProgressBar(enabled: !output.quiet)
                let interruption = Interruption(saying: "Interrupted; batch \(batchID) goes on (conveyor batch show \(batchID) --watch)") { bar.finish() }
                defer { interruption.stop() }
                while batch.status == .running {
                    bar.draw(percent: batch.percent, stage: "\(batch.total - batch.pending)/\(batch.total) jobs ended", message: nil)
                    try await Task.sleep(for: .milliseconds(250))
                    (batch, data) = try await client.send("GET", "api/batches/\(batchID)", as: BatchResource.self)
                }
                bar.draw(percent: batch.percent, stage: "\(batch.total)/\(batch.total) jobs ended", message: nil)
                bar.finish()
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
