public import Foundation

/// A running `conveyor serve` (memory store and a free port unless the arguments say
/// otherwise): its URL and a token — the admin token it printed, or the one given.
public struct ServeProcess {
    public let process: ProductProcess
    public let url: String
    public let token: String

    /// Starts it and waits until it printed where it listens. `CONVEYOR_JWT_SECRET` is unset
    /// unless `environment` sets it, so the server prints an admin token. `binary`: a product
    /// built on `ConveyorCommand` (the `conveyor` binary, or a sample's own).
    public static func start(
        _ arguments: [String] = [], environment: [String: String] = [:], token given: String? = nil, directory: URL? = nil, maxOpenFiles: Int? = nil,
        binary: String = "conveyor"
    ) async throws -> ServeProcess {
        let store = arguments.contains("--store") ? [] : ["--store", "memory:"]
        var environment = environment
        environment["CONVEYOR_JWT_SECRET"] = environment["CONVEYOR_JWT_SECRET"] ?? ""
        let process = try ProductProcess(
            binary, ["serve", "--port", "0"] + store + arguments, environment: environment.filter { !$0.value.isEmpty }, unsetting: environment.filter { $0.value.isEmpty }.map(\.key),
            directory: directory, maxOpenFiles: maxOpenFiles)
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let printed = process.printedSoFar
            if let url = printed.firstMatch(of: /listening on (http:\S+)/)?.1, let token = given ?? printed.firstMatch(of: /#token=(\S+)/)?.1.description {
                return ServeProcess(process: process, url: String(url), token: token)
            }
            guard process.process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.kill(SIGKILL)
        let output = try await process.finish()
        throw ProductProcess.Failure(message: "serve did not start: \(output.stdout) \(output.stderr)")
    }

    /// `ws://…/ws?token=…` of this server.
    public var webSocketURL: String { url.replacingOccurrences(of: "http://", with: "ws://") + "/ws?token=\(token)" }
}
