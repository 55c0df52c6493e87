import ArgumentParser
import ConveyorAPI
import Foundation

/// `conveyor pause QUEUE` and `conveyor resume QUEUE` (admin token): a paused queue keeps its
/// jobs and accepts new ones; workers claim nothing from it until it is resumed.
struct QueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pause", abstract: "Pause a queue: workers stop claiming from it.")

    @OptionGroup var clientOptions: ClientOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The queue.") var queue: String

    func run() async throws {
        try await Self.set(queue, paused: true, client: clientOptions, output: output)
    }

    static func set(_ queue: String, paused: Bool, client options: ClientOptions, output: OutputOptions) async throws {
        let name = queue.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "._-"))) ?? queue
        let data = try await options.client().send("POST", "api/queues/\(name)/\(paused ? "pause" : "resume")")
        if output.json { return Printing.json(data) }
        if output.quiet { return }
        let state = try ServerClient.decode(QueueStateResource.self, from: data)
        Printing.line("Queue \(state.queue) \(state.paused ? "paused" : "resumed")")
    }

    /// `conveyor resume QUEUE`.
    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "resume", abstract: "Resume a paused queue.")

        @OptionGroup var clientOptions: ClientOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The queue.") var queue: String

        func run() async throws {
            try await QueueCommand.set(queue, paused: false, client: clientOptions, output: output)
        }
    }
}
