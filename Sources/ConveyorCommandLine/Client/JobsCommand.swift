import ArgumentParser
import Conveyor
import ConveyorAPI
import Foundation

/// `conveyor jobs [--status S] [--type T] [--queue Q] [--search TEXT]`: the newest jobs matching, a table on a
/// terminal (tab-separated otherwise, for `cut` and `awk`); `--json` for the page as sent,
/// `-q` for ids alone. `--cursor` continues where a page ended.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "jobs", abstract: "List jobs by status, type or queue.")

    @OptionGroup var clientOptions: ClientOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "One of \(JobStatus.allCases.map(\.rawValue).joined(separator: ", ")).") var status: String?
    @Option(help: "Only jobs of this type.") var type: String?
    @Option(help: "Only jobs in this queue.") var queue: String?
    @Option(help: "A job id, or text in the payload or the last error.") var search: String?
    @Option(help: "How many, 1…1000.") var limit = 50
    @Option(help: "The nextCursor a previous page printed.") var cursor: String?

    func validate() throws {
        if let status, JobStatus(rawValue: status) == nil {
            throw ValidationError("--status: '\(status)' is not one of \(JobStatus.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard (1...1_000).contains(limit) else { throw ValidationError("--limit: \(limit) is out of range 1…1000") }
    }

    func run() async throws {
        var query = ["limit": String(limit)]
        query["status"] = status
        query["type"] = type
        query["queue"] = queue
        query["search"] = search
        query["cursor"] = cursor
        let client = try clientOptions.client()
        let data = try await client.send("GET", "api/jobs", query: query)
        if output.json { return Printing.json(data) }
        let page = try ServerClient.decode(JobListResource.self, from: data)
        if output.quiet { return page.jobs.forEach { Printing.line($0.id) } }
        Printing.table(
            ["ID", "TYPE", "QUEUE", "STATUS", "ATTEMPTS", "PROGRESS", "CREATED", "ERROR"],
            page.jobs.map { job in
                [
                    job.id, job.type, job.queue, job.status.rawValue, "\(job.attempts)/\(job.maxAttempts)",
                    String(format: "%.0f%%", job.progress.percent), Self.time.string(from: job.createdAt), job.error?.message ?? "",
                ]
            })
        if let next = page.nextCursor { FileHandle.standardError.write(Data("More: --cursor \(next)\n".utf8)) }
    }

    private static let time: DateFormatter = {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter
    }()
}
