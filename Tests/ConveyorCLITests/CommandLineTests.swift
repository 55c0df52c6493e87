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
}
