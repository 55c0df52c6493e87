import ArgumentParser
import ConveyorAPI
import Foundation

/// `conveyor workers`: the worker processes sharing the server's store — a table on a terminal,
/// tab-separated otherwise; `--json` as sent, `-q` ids alone.
struct WorkersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "workers", abstract: "List the worker processes sharing the store.")

    @OptionGroup var clientOptions: ClientOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let data = try await clientOptions.client().send("GET", "api/workers")
        if output.json { return Printing.json(data) }
        let list = try ServerClient.decode(WorkerListResource.self, from: data)
        if output.quiet { return list.workers.forEach { Printing.line($0.id) } }
        let ago = { (date: Date) in "\(Int(max(0, Date().timeIntervalSince(date)).rounded()))s ago" }
        Printing.table(
            ["ID", "HOST", "PID", "STATUS", "RUNNING", "PROCESSED", "QUEUES", "STARTED", "SEEN"],
            list.workers.map { worker in
                [
                    worker.id, worker.host, "\(worker.pid)", worker.status, "\(worker.running)/\(worker.concurrency)", "\(worker.processed)",
                    worker.queues?.joined(separator: ",") ?? "all", ago(worker.startedAt), ago(worker.lastSeenAt),
                ]
            }, empty: "(no workers: start conveyor worker, or serve without --no-workers)")
    }
}
