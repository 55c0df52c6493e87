import Conveyor
import Foundation
import TestSupport
import Testing

/// What the `conveyor` binary says about itself and how it reports mistakes, run as a process.
@Suite("conveyor: version and usage errors")
struct CommandLineTests {
    @Test("--version prints this release")
    func version() async throws {
        let output = try await ProductProcess.run("conveyor", ["--version"])
        #expect(output.status == 0)
        #expect(output.stdout == "\(ConveyorVersion.current)\n")
    }

    @Test("a mistyped flag gets the usage (exit 2); a bad setting gets its line alone (exit 2)")
    func usageOnlyForParsingMistakes() async throws {
        let flag = try await ProductProcess.run("conveyor", ["worker", "--wrokers", "4"])
        #expect(flag.status == 2)
        #expect(flag.stderr.contains("Unknown option '--wrokers'") && flag.stderr.contains("Usage:"), "\(flag.stderr)")
        let setting = try await ProductProcess.run("conveyor", ["worker", "--store", "memory:"], environment: ["CONVEYOR_LEASE": "0s"])
        #expect(setting.status == 2)
        #expect(setting.stderr == "Error: CONVEYOR_LEASE: 0ms is out of range 1s…1h\n", "\(setting.stderr)")
    }

    @Test("a config file key no setting reads is refused, naming the file and the key, with the nearest known one")
    func unknownConfigKeys() async throws {
        let directory = try TemporaryDirectory()
        try Data("conveyor:\n  wrokers: 4\n  lease: 30s\nsmtp:\n  host: mail\n".utf8).write(to: directory.url.appendingPathComponent("conveyor.yaml"))
        let output = try await ProductProcess("conveyor", ["worker", "--store", "memory:"], directory: directory.url).finish()
        #expect(output.status == 2)
        #expect(output.stderr == """
            Error: conveyor.yaml: conveyor.wrokers: is not a known setting (did you mean conveyor.workers?)
            conveyor.yaml: smtp.host: is not a known setting

            """, "\(output.stderr)")
    }

    @Test("a port in use is one line naming it, before anything starts")
    func portInUse() async throws {
        let first = try await ServeProcess.start()
        defer { first.process.kill(SIGKILL) }
        let port = try #require(first.url.split(separator: ":").last)
        let second = try await ProductProcess("conveyor", ["serve", "--store", "memory:", "--port", String(port)], environment: ["CONVEYOR_JWT_SECRET": String(repeating: "s", count: 32)]).finish()
        #expect(second.status == 2)
        #expect(second.stderr == "Error: --port: port \(port) on 127.0.0.1 is already in use (another conveyor serve?); choose another, or 0 for any free one\n", "\(second.stderr)")
        #expect(!second.stdout.contains("listening"))
    }
}
