import ArgumentParser
import ConveyorAPI
import Foundation

/// `conveyor status [JOB_ID] [--watch]`: one job, or the queue stats without an id. `--watch`
/// follows the job live and exits 1 unless it completed.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show a job, or the queue stats.")

    @OptionGroup var clientOptions: ClientOptions
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
        guard watch else {
            Printing.json(try await client.send("GET", "api/jobs/\(jobID)"))
            return
        }
        let (job, _) = try await client.send("GET", "api/jobs/\(jobID)", as: JobResource.self)
        if job.status.isTerminal {
            try JobOutcome.report(job)
        } else {
            try JobOutcome.report(try await JobWatcher(client: client).watch(jobID))
        }
    }
}
