import Foundation
import TestSupport
import Testing

@Suite("conveyor batch show")
struct BatchCommandTests {
    @Test("--watch follows a batch until it finishes; the tables show its counts and callbacks; a failed job exits 1")
    func watchesABatch() async throws {
        let server = try await ServeProcess.start()
        defer { server.process.kill(SIGKILL) }
        let batch = try await FlowCommandTests.post("\(server.url)/api/batches", token: server.token, body: [
            "name": "letters", "type": "tally", "items": Array(1...6), "chunkSize": 2,
            "onComplete": ["type": "tally", "payload": [Int]()],
        ])
        let id = try #require(batch["id"] as? String, "\(batch)")
        let watched = try await ClientCommandTests.conveyor(["batch", "show", id, "--watch"], server)
        #expect(watched.status == 0, "\(watched.stderr)")
        let lines = watched.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "batch \(id) (letters): finished, 100% ended", "\(watched.stdout)")
        #expect(lines.contains("3\t0\t3\t0\t0"), "\(watched.stdout)")
        let onComplete = try #require(lines.first { $0.hasPrefix("onComplete\t") })
        #expect(onComplete != "onComplete\t-")
        #expect(lines.contains("onFailure\t-"))

        let failing = try await FlowCommandTests.post("\(server.url)/api/batches", token: server.token, body: [
            "jobs": [["type": "flaky", "payload": ["failTimes": 1, "permanent": true]], ["type": "noop"]],
        ])
        let failingID = try #require(failing["id"] as? String)
        let failed = try await ClientCommandTests.conveyor(["batch", "show", failingID, "--watch", "-q"], server)
        #expect(failed.status == 1 && failed.stdout == "finished\n", "\(failed.stdout) \(failed.stderr)")
        let bad = try await ClientCommandTests.conveyor(["batch", "show", "nope"], server)
        #expect(bad.status == 2 && bad.stderr.contains("BATCH_ID: 'nope' is not a batch id"))
    }
}
