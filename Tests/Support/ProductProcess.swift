public import Foundation

/// An executable of this package (`conveyor`, `video-to-telegram`), built beside the test
/// bundle, run as a real process.
public struct ProductProcess {
    /// What a finished process printed.
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Why a process could not be run or waited for.
    public struct Failure: Error, CustomStringConvertible {
        public var message: String
        public init(message: String) { self.message = message }
        public var description: String { message }
    }

    /// The built product, beside the test bundle.
    public static func binary(_ product: String) -> URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(product)
    }

    public let process = Process()
    /// Output goes to files, not pipes, so a long-running process never blocks on a full pipe.
    private let stdoutURL: URL
    private let stderrURL: URL

    /// Starts `product arguments…`; when `unprivileged` and running as root, as user nobody,
    /// so file permissions apply to it; with `maxOpenFiles`, under that file descriptor limit.
    public init(
        _ product: String, _ arguments: [String], environment: [String: String] = [:], unsetting: [String] = [], unprivileged: Bool = false,
        directory: URL? = nil, maxOpenFiles: Int? = nil
    ) throws {
        let binary = Self.binary(product)
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw Failure(message: "\(binary.path) is missing: build the package first (swift build)")
        }
        if unprivileged && getuid() == 0 {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", binary.path] + arguments
        } else if let maxOpenFiles {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/prlimit")
            process.arguments = ["--nofile=\(maxOpenFiles):\(maxOpenFiles)", binary.path] + arguments
        } else {
            process.executableURL = binary
            process.arguments = arguments
        }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }.filter { !unsetting.contains($0.key) }
        if let directory { process.currentDirectoryURL = directory }
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("conveyor-process-\(UUID().uuidString)")
        stdoutURL = base.appendingPathExtension("out")
        stderrURL = base.appendingPathExtension("err")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
    }

    /// Runs to the end and returns what it printed.
    public static func run(
        _ product: String, _ arguments: [String], environment: [String: String] = [:], unprivileged: Bool = false
    ) async throws -> Output {
        try await ProductProcess(product, arguments, environment: environment, unprivileged: unprivileged).finish()
    }

    /// Waits for the exit (polling, so the test's task is not blocked) and returns what it
    /// printed. A process still running after `limit` is killed and the wait fails: a hang is
    /// a test failure, not a stuck suite.
    public func finish(within limit: Duration = .seconds(180)) async throws -> Output {
        let deadline = ContinuousClock.now + limit
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                let evidence = await hangEvidence()
                kill(SIGKILL)
                throw Failure(message: "\(process.executableURL?.lastPathComponent ?? "process") did not exit within \(limit); killed it\n\(evidence)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        defer {
            try? FileManager.default.removeItem(at: stdoutURL)
            try? FileManager.default.removeItem(at: stderrURL)
        }
        return Output(
            status: process.terminationStatus,
            stdout: try String(contentsOf: stdoutURL, encoding: .utf8), stderr: try String(contentsOf: stderrURL, encoding: .utf8))
    }

    /// For a process that will not exit: the end of what it logged and where each of its threads
    /// is (gdb, when installed — `make test` installs it), so the failure says why.
    private func hangEvidence() async -> String {
        let logged = ((try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "").split(separator: "\n").suffix(40).joined(separator: "\n")
        let pid = process.processIdentifier
        let threads = (try? await OffPool.run { () -> String in
            let gdb = Process()
            gdb.executableURL = URL(fileURLWithPath: "/usr/bin/gdb")
            gdb.arguments = ["-p", "\(pid)", "-batch", "-ex", "thread apply all bt 25"]
            let output = Pipe()
            gdb.standardOutput = output
            gdb.standardError = FileHandle.nullDevice
            try gdb.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            gdb.waitUntilExit()
            return text.split(separator: "\n").filter { $0.hasPrefix("Thread") || $0.hasPrefix("#") }.joined(separator: "\n")
        }) ?? "(no gdb)"
        return "its last log lines:\n\(logged)\nits threads:\n\(threads)"
    }

    /// What it printed to stdout so far, while it runs.
    public var printedSoFar: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }

    /// What it printed to stdout and stderr so far (logs go to either, by configuration).
    public var outputSoFar: String { printedSoFar + ((try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "") }

    public func kill(_ signal: Int32) {
        Foundation.kill(process.processIdentifier, signal)
    }
}
