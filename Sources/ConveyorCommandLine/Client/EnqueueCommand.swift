import ArgumentParser
import Conveyor
import ConveyorAPI
import Foundation

/// `conveyor enqueue TYPE`: adds a job through the server; `--wait` follows it to the end and
/// exits 1 unless it completed (130 on Ctrl-C). `-q` prints the id alone; `--json` the job.
struct EnqueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "enqueue", abstract: "Enqueue a job on a running server.")

    @OptionGroup var clientOptions: ClientOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The job type (see GET /api/handlers).") var type: String
    @Option(help: "The input as JSON, or @FILE to read it from a file.") var payload: String = "{}"
    @Option(help: "high, normal or low.") var priority: String?
    @Option(help: "Run after this delay (250ms, 30s, 10m, 2h, 7d).") var delay: String?
    @Option(help: "Queue name (default: the handler's).") var queue: String?
    @Option(help: "Attempts before the job fails for good.") var maxAttempts: Int?
    @Option(help: "Time limit per attempt (e.g. 10m).") var timeout: String?
    @Option(help: "A second enqueue with this key returns the unfinished job instead.") var dedupKey: String?
    @Flag(help: "Show live progress and exit non-zero if the job fails.") var wait = false

    func run() async throws {
        let text: String
        if payload.hasPrefix("@") {
            let path = String(payload.dropFirst())
            guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("--payload: cannot read \(path)") }
            text = String(decoding: data, as: UTF8.self)
        } else {
            text = payload
        }
        guard let input = try? APICoding.decoder.decode(JSONValue.self, from: Data(text.utf8)) else {
            throw ValidationError("--payload: not valid JSON")
        }
        let body = EnqueueBody(
            type: type, payload: input, queue: queue, priority: try priority.map { try Self.priority($0) },
            delay: try delay.map { try Self.duration($0, "--delay") }, maxAttempts: maxAttempts,
            timeout: try timeout.map { try Self.duration($0, "--timeout") }, dedupKey: dedupKey)
        let client = try clientOptions.client()
        let (job, data) = try await client.send("POST", "api/jobs", body: body, as: JobResource.self)
        if output.quiet {
            Printing.line(job.id)
        } else if output.json && !wait {
            Printing.json(data)
        } else if !output.json {
            Printing.line("\(job.deduplicated == true ? "Existing" : "Enqueued") job \(job.id) (\(type), \(job.status.rawValue))")
        }
        guard wait else { return }
        try await JobOutcome.follow(job.id, maxAttempts: job.maxAttempts, client: client, output: output)
    }

    private static func priority(_ text: String) throws -> JobPriority {
        guard let priority = JobPriority(rawValue: text) else { throw ClientError("--priority: '\(text)' is not one of high, normal, low") }
        return priority
    }

    private static func duration(_ text: String, _ option: String) throws -> DurationValue {
        guard let duration = DurationValue(text: text) else { throw ClientError("\(option): '\(text)' is not a duration such as 250ms, 30s, 10m, 2h or 7d") }
        return duration
    }
}
