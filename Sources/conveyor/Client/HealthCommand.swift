import ArgumentParser
import Foundation

/// `conveyor health`: prints `/health` and exits 0 only when the server is healthy.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "health", abstract: "Check the server; exit 0 only if healthy.")
    @OptionGroup var clientOptions: ClientOptions

    func run() async throws {
        let (_, data) = try await clientOptions.client().raw("GET", "health")
        guard let report = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ClientError("The server's /health answer is not JSON")
        }
        Printing.json(report)
        if report["status"] as? String != "healthy" { throw ExitCode.failure }
    }
}
