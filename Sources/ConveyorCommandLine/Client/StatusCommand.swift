import ArgumentParser
import ConveyorAPI
import Foundation

/// `conveyor status [JOB_ID] [--watch]`: one job, or the queue stats without an id (`-q`: the
/// job's state alone). `--watch` follows the job live and exits 1 unless it completed (130 on
/// Ctrl-C).
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show a job, or the queue stats.")

    @OptionGroup var clientOptions: ClientOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "A job id; without one, the queue stats.") var jobID: String?
    @Flag(help: "Follow the job's progress until it finishes.") var watch = false

    func validate() throws {
        if watch && jobID == nil { throw ValidationError("--watch: needs a JOB_ID") }
    }

    func run() async throws {
        let client = try clientOptions.client()
        guard let jobID else {
            Printing.json(try await client.send("GET", "api/queues/stats"))
            return
        }
        guard watch else { return try JobOutcome.report(try await client.send("GET", "api/jobs/\(jobID)"), output: output) }
        let (job, data) = try await client.send("GET", "api/jobs/\(jobID)", as: JobResource.self)
        guard job.status.isTerminal else { return try await JobOutcome.follow(jobID, maxAttempts: job.maxAttempts, client: client, output: output) }
        if output.json {
            Printing.json(data)
            if job.status != .completed { throw ExitCode.failure }
        } else {
            try JobOutcome.report(status: job.status, result: job.result, error: job.error, output: output)
        }
    }
}
