import ArgumentParser
import Foundation

/// `conveyor enqueue TYPE`: adds a job through the server; `--wait` follows it to the end and
/// exits 1 unless it completed.
struct EnqueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "enqueue", abstract: "Enqueue a job on a running server.")

    @OptionGroup var clientOptions: ClientOptions
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
        guard let input = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else {
            throw ValidationError("--payload: not valid JSON")
        }
        var body: [String: Any] = ["type": type, "payload": input]
        body["priority"] = priority
        body["delay"] = delay
        body["queue"] = queue
        body["maxAttempts"] = maxAttempts
        body["timeout"] = timeout
        body["dedupKey"] = dedupKey
        let client = try clientOptions.client()
        guard let job = try await client.send("POST", "api/jobs", body: body) as? [String: Any], let id = job["id"] as? String else {
            throw ClientError("The server's answer has no job id")
        }
        let deduplicated = job["deduplicated"] as? Bool == true
        Printing.line("\(deduplicated ? "Existing" : "Enqueued") job \(id) (\(type), \(job["status"] as? String ?? "?"))")
        guard wait else { return }
        let finished = try await JobWatcher(client: client).watch(id)
        try JobOutcome.report(finished)
    }
}
