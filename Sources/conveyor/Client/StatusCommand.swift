import ArgumentParser
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
        let job = try await client.send("GET", "api/jobs/\(jobID)")
        guard watch else {
            Printing.json(job)
            return
        }
        let status = (job as? [String: Any])?["status"] as? String ?? ""
        if ["completed", "failed", "cancelled"].contains(status) {
            try JobOutcome.report(job as? [String: Any] ?? [:])
        } else {
            try JobOutcome.report(try await JobWatcher(client: client).watch(jobID))
        }
    }
}
