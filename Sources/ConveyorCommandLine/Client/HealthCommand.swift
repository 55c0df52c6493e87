import ArgumentParser
import ConveyorAPI
import Foundation

/// `conveyor health`: prints `/health` and exits 0 only when the server is healthy.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "health", abstract: "Check the server; exit 0 only if healthy.")
    @OptionGroup var clientOptions: ClientOptions

    func run() async throws {
        let (_, data) = try await clientOptions.client().raw("GET", "health")
        let report = try ServerClient.decode(HealthReport.self, from: data)
        Printing.json(data)
        if report.status != .healthy { throw ExitCode.failure }
    }
}
