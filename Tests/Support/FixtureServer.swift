import Foundation
import Synchronization

/// The local HTTP fixture server (`Tests/Fixtures/http/fixture_server.py`) in a child process,
/// listening on a free loopback port. It exits when the test process does (it reads our pipe).
public final class FixtureServer: Sendable {
    /// Names what went wrong starting the server.
    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    public let port: Int
    private let process: Process
    private let input: Pipe

    private static let shared = Mutex<FixtureServer?>(nil)

    /// One server per test process, serving `Tests/Fixtures/media`.
    public static func start() throws -> FixtureServer {
        try shared.withLock { server in
            if let server { return server }
            let started = try FixtureServer(root: FixturePaths.root.appendingPathComponent("media").path)
            server = started
            return started
        }
    }

    /// A server of its own serving `root`.
    public init(root: String) throws {
        let script = FixturePaths.root.appendingPathComponent("http/fixture_server.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "--root", root]
        let output = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardInput = input
        do { try process.run() } catch { throw StartError(description: "python3 could not start the fixture server: \(error)") }
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let more = output.fileHandleForReading.availableData
            if more.isEmpty { throw StartError(description: "the fixture server exited before listening (is python3 installed?)") }
            line.append(more)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else {
            throw StartError(description: "the fixture server said \(text)")
        }
        self.port = port
        self.process = process
        self.input = input
    }

    deinit {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    /// `http://127.0.0.1:PORT` + `path`.
    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }
}
