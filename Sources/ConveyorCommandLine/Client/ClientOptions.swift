import ArgumentParser
import Foundation

/// `--server` and `--token` for the commands that talk to a running server.
struct ClientOptions: ParsableArguments {
    @Option(help: "Server URL (default CONVEYOR_URL or http://127.0.0.1:8080).")
    var server: String = ProcessInfo.processInfo.environment["CONVEYOR_URL"] ?? "http://127.0.0.1:8080"
    @Option(help: "Bearer token (default CONVEYOR_TOKEN).")
    var token: String?

    func client() throws -> ServerClient {
        try ServerClient(server: server, token: token ?? ProcessInfo.processInfo.environment["CONVEYOR_TOKEN"])
    }
}
