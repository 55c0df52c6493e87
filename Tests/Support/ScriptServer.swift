import Foundation

/// A Python fixture server in a child process: started with a script under `Tests/Fixtures/`,
/// it prints `PORT <n>` (or `PORTS <n> <m>…`) once listening on loopback and exits when the test
/// process does (it reads our end of a pipe until it closes).
public final class ScriptServer: Sendable {
    /// Names what went wrong starting the server.
    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The first port it listens on.
    public var port: Int { ports[0] }
    /// Every port, in the order it printed them.
    public let ports: [Int]
    private let process: Process
    private let input: Pipe

    /// Runs `python3 Tests/Fixtures/<script> <arguments>` and waits for its ports: blocking, so
    /// call it through ``OffPool`` or ``StartOnce``. `python` is
    /// the interpreter: the one on PATH, or Debian's `/usr/bin/python3` for scripts that need
    /// packages apt installs.
    public init(script: String, arguments: [String] = [], python: String = "python3") throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, FixturePaths.root.appendingPathComponent(script).path] + arguments
        let output = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardInput = input
        do { try process.run() } catch { throw StartError(description: "python3 could not start \(script): \(error)") }
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let more = output.fileHandleForReading.availableData
            if more.isEmpty { throw StartError(description: "\(script) exited before listening (is python3 installed?)") }
            line.append(more)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let words = text.split(separator: " ")
        let ports = words.dropFirst().compactMap { Int($0) }
        guard ["PORT", "PORTS"].contains(words.first), !ports.isEmpty, ports.count == words.count - 1 else {
            throw StartError(description: "\(script) said \(text)")
        }
        self.ports = ports
        self.process = process
        self.input = input
    }

    /// Closing its stdin ends it; nothing waits for that here.
    deinit {
        try? input.fileHandleForWriting.close()
    }

    /// `http://127.0.0.1:PORT` + `path` (the first port).
    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }
}
