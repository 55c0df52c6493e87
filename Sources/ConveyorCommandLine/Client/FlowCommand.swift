import ArgumentParser
import Conveyor
import ConveyorAPI
import Foundation

/// `conveyor flow show ID [--watch]`: a flow's state and each job by key — what it waits for,
/// its state and id; `--watch` draws the share of finished jobs until the flow ends and exits 1
/// unless it completed (130 on Ctrl-C); `--json` as sent, `-q` the flow's state alone.
struct FlowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "flow", abstract: "Show a flow of jobs.", subcommands: [Show.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a flow: its state and every job by key.")

        @OptionGroup var clientOptions: ClientOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The flow's id (from POST /api/flows).") var flowID: String
        @Flag(help: "Follow the flow until every job has ended.") var watch = false

        func validate() throws {
            if JobID(flowID) == nil { throw ValidationError("FLOW_ID: '\(flowID)' is not a flow id (UUID)") }
        }

        func run() async throws {
            let client = try clientOptions.client()
            var (flow, data) = try await client.send("GET", "api/flows/\(flowID)", as: FlowResource.self)
            if watch {
                let poller = ResourcePoller<FlowResource>(
                    client: client, path: "api/flows/\(flowID)", drawsProgress: !output.quiet, isRunning: { $0.status == .running },
                    progress: { flow in (flow.percent, "\(flow.jobs.filter { $0.job.status.isTerminal }.count)/\(flow.jobs.count) jobs ended") })
                (flow, data) = try await poller.follow(
                    from: (flow, data), interrupted: "Interrupted; flow \(flowID) goes on (conveyor flow show \(flowID) --watch)")
            }
            if output.json {
                Printing.json(data)
            } else if output.quiet {
                Printing.line(flow.status.rawValue)
            } else {
                Printing.line("flow \(flow.id)\(flow.name.map { " (\($0))" } ?? ""): \(flow.status.rawValue), \(Int(flow.percent.rounded()))% ended")
                let keys = Dictionary(flow.jobs.map { ($0.job.id, $0.key) }, uniquingKeysWith: { first, _ in first })
                Printing.table(
                    ["KEY", "TYPE", "STATUS", "WAITS FOR", "JOB", "ERROR"],
                    flow.jobs.map { entry in
                        [
                            entry.key, entry.job.type, entry.job.status.rawValue,
                            entry.job.dependsOn.map { keys[$0.description] ?? $0.description }.joined(separator: ","), entry.job.id,
                            entry.job.error?.message ?? "",
                        ]
                    })
            }
            if watch && flow.status != .completed { throw ExitCode.failure }
        }
    }
}
