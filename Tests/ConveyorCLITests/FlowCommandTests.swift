import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("conveyor flow show")
struct FlowCommandTests {
    static func post(_ url: String, token: String, body: [String: Any]) async throws -> [String: Any] {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        let (data, _) = try await URLSession.shared.data(for: request)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("--watch follows a flow until it ends; the table shows each job by key and what it waits for")
    func watchesAFlow() async throws {
        let server = try await ServeProcess.start()
        defer { server.process.kill(SIGKILL) }
        let flow = try await Self.post("\(server.url)/api/flows", token: server.token, body: [
            "name": "demo",
            "jobs": [
                // Long enough that the CLI, started after the POST, still finds it running on a loaded machine.
                ["key": "fetch", "type": "sleep", "payload": ["ms": 1500]],
                ["key": "report", "type": "noop", "dependsOn": ["fetch"]],
            ],
        ])
        let id = try #require(flow["id"] as? String)
        let watched = try await ClientCommandTests.conveyor(["flow", "show", id, "--watch"], server)
        #expect(watched.status == 0, "\(watched.stderr)")
        let lines = watched.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "flow \(id) (demo): completed, 100% ended", "\(watched.stdout)")
        let report = try #require(lines.first { $0.hasPrefix("report\t") }).split(separator: "\t", omittingEmptySubsequences: false)
        #expect(report[1] == "noop" && report[2] == "completed" && report[3] == "fetch")
        #expect(watched.stderr.contains("jobs ended"), "the bar goes to stderr: \(watched.stderr)")
        let quiet = try await ClientCommandTests.conveyor(["flow", "show", id, "-q"], server)
        #expect(quiet.stdout == "completed\n")
        let bad = try await ClientCommandTests.conveyor(["flow", "show", "nope"], server)
        #expect(bad.status == 2 && bad.stderr.contains("FLOW_ID: 'nope' is not a flow id"))
    }
}
