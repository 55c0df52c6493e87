import Foundation
import Testing

@Suite("Server: flows")
struct FlowRoutesTests {
    @Test func aGraphIsEnqueuedWholeReadBackAndCancelled() async throws {
        let server = try await TestServer.start(runWorkers: false)
        defer { Task { try? await server.stop() } }
        let created = try await server.request("POST", "/api/flows", token: server.alice, body: [
            "name": "publish",
            "jobs": [
                ["key": "render", "type": "noop", "dependsOn": ["fetch", "probe"]],
                ["key": "fetch", "type": "noop"],
                ["key": "probe", "type": "sleep", "payload": ["ms": 1], "dependsOn": ["fetch"], "onDependencyFailure": "run"],
            ],
        ])
        #expect(created.status == 201, "\(created.json)")
        let id = try #require(created.json["id"] as? String)
        #expect(created.json["name"] as? String == "publish" && created.json["status"] as? String == "running")
        let jobs = try #require(created.json["jobs"] as? [[String: Any]])
        #expect(jobs.map { $0["key"] as? String } == ["fetch", "probe", "render"], "in the order they can run")
        #expect(jobs.map { $0["status"] as? String } == ["queued", "waiting", "waiting"])
        #expect(jobs.allSatisfy { $0["flowId"] as? String == id })
        let edges = try #require(created.json["edges"] as? [[String: String]])
        #expect(Set(edges.map { "\($0["from"]!)>\($0["to"]!)" }) == ["fetch>probe", "fetch>render", "probe>render"])
        #expect((created.json["counts"] as? [String: Int])?["waiting"] == 2)

        let read = try await server.request("GET", "/api/flows/\(id)", token: server.alice)
        #expect(read.status == 200 && (read.json["jobs"] as? [Any])?.count == 3)
        #expect(try await server.request("GET", "/api/flows/\(id)", token: server.bob).status == 403)
        #expect(try await server.request("GET", "/api/flows/0190b5a2-0000-7000-8000-000000000000", token: server.alice).status == 404)

        let cancelled = try await server.request("POST", "/api/flows/\(id)/cancel", token: server.alice)
        #expect(cancelled.status == 200 && cancelled.json["status"] as? String == "cancelled")
        #expect((cancelled.json["counts"] as? [String: Int])?["cancelled"] == 3)
    }

    @Test func aChainWaitsStepByStep() async throws {
        let server = try await TestServer.start(runWorkers: true)
        defer { Task { try? await server.stop() } }
        let created = try await server.request("POST", "/api/flows", token: server.alice, body: [
            "chain": [["type": "sleep", "payload": ["ms": 30]], ["type": "noop"], ["type": "sleep", "payload": ["ms": 1]]],
        ])
        #expect(created.status == 201)
        let id = try #require(created.json["id"] as? String)
        var flow: [String: Any] = [:]
        for _ in 0..<200 {
            flow = try await server.request("GET", "/api/flows/\(id)", token: server.alice).json
            if flow["status"] as? String != "running" { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(flow["status"] as? String == "completed" && flow["percent"] as? Double == 100)
        let jobs = try #require(flow["jobs"] as? [[String: Any]])
        #expect(jobs.map { $0["key"] as? String } == ["step-1", "step-2", "step-3"])
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let times = jobs.map { (formatter.date(from: $0["startedAt"] as? String ?? ""), formatter.date(from: $0["finishedAt"] as? String ?? "")) }
        for (before, after) in zip(times, times.dropFirst()) {
            #expect(try #require(after.0) >= (try #require(before.1)), "each step starts after the one before finished")
        }
    }

    @Test func badFlowsAreRefusedByPlaceAndStoreNothing() async throws {
        let server = try await TestServer.start(runWorkers: false)
        defer { Task { try? await server.stop() } }
        let cases: [([String: Any], String, String)] = [
            (["jobs": [["key": "a", "type": "noop", "dependsOn": ["b"]], ["key": "b", "type": "noop", "dependsOn": ["a"]]]], "flow_cycle",
             "jobs: each of these waits for the next, in a cycle: a → b → a"),
            (["jobs": [["key": "a", "type": "noop", "dependsOn": ["nope"]]]], "invalid_input", "jobs[0].dependsOn[0]: no job in this flow has key 'nope'"),
            (["jobs": [["key": "a", "type": "noop"]], "chain": [["type": "noop"]]], "invalid_input", "jobs: give either jobs or chain, not both"),
            (["jobs": [["key": "a", "type": "noop", "priorty": "high"]]], "invalid_input", "priorty: is not a known field"),
            (["jobs": [["key": "a", "type": "noop"], ["key": "b", "type": "sleep", "payload": ["ms": "x"]]]], "invalid_payload", "jobs[1]"),
        ]
        for (body, code, message) in cases {
            let answer = try await server.request("POST", "/api/flows", token: server.alice, body: body)
            #expect(answer.status == 400, "\(body)")
            #expect(answer.errorCode == code && answer.errorMessage.contains(message), "\(answer.errorCode ?? "-"): \(answer.errorMessage)")
        }
        let listed = try await server.request("GET", "/api/jobs", token: server.alice)
        #expect((listed.json["jobs"] as? [Any])?.isEmpty == true, "a refused flow stored nothing")
    }
}
