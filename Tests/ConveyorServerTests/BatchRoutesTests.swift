import Foundation
import Testing

@Suite("Server: batches")
struct BatchRoutesTests {
    /// Reads the batch until it finishes (or 10 s pass).
    private func finished(_ id: String, on server: TestServer) async throws -> [String: Any] {
        var batch: [String: Any] = [:]
        for _ in 0..<200 {
            batch = try await server.request("GET", "/api/batches/\(id)", token: server.alice).json
            if batch["status"] as? String == "finished" { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        return batch
    }

    @Test func itemsAreCutIntoJobsAndTheCallbackSeesTheBatch() async throws {
        let server = try await TestServer.start(runWorkers: true)
        defer { Task { try? await server.stop() } }
        let created = try await server.request("POST", "/api/batches", token: server.alice, body: [
            "name": "letters", "type": "tally", "items": (1...25).map { "item-\($0)" }, "chunkSize": 10, "queue": "default",
            "onComplete": ["type": "tally", "payload": [String]()], "onFailure": ["type": "noop"],
        ])
        #expect(created.status == 201, "\(created.json)")
        let id = try #require(created.json["id"] as? String)
        #expect(created.json["total"] as? Int == 3 && created.json["name"] as? String == "letters")

        let batch = try await finished(id, on: server)
        #expect(batch["status"] as? String == "finished" && batch["completed"] as? Int == 3 && batch["pending"] as? Int == 0)
        #expect(batch["percent"] as? Double == 100 && batch["finishedAt"] as? String != nil)
        let callbacks = try #require(batch["callbacks"] as? [String: Any])
        #expect(callbacks["onFailure"] is NSNull && callbacks["onSuccess"] is NSNull)
        let callbackID = try #require(callbacks["onComplete"] as? String)

        let listed = try await server.request("GET", "/api/jobs?type=tally&limit=10", token: server.alice)
        let members = try #require(listed.json["jobs"] as? [[String: Any]]).filter { $0["batchCallback"] is NSNull }
        #expect(members.count == 3 && members.allSatisfy { $0["batchId"] as? String == id })
        #expect(Set(members.compactMap { ($0["payload"] as? [Any])?.count }) == [10, 5], "25 items in chunks of 10")

        var callback: [String: Any] = [:]
        for _ in 0..<100 {
            callback = try await server.request("GET", "/api/jobs/\(callbackID)", token: server.alice).json
            if callback["status"] as? String == "completed" { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(callback["batchId"] as? String == id && callback["batchCallback"] as? String == "onComplete")
        let report = try #require((callback["result"] as? [String: Any])?["batch"] as? [String: Any])
        #expect(report["id"] as? String == id && report["total"] as? Int == 3 && report["completed"] as? Int == 3)
    }

    @Test func aCancelledBatchFinishesAndItsOnCompleteRuns() async throws {
        let server = try await TestServer.start(runWorkers: false)
        defer { Task { try? await server.stop() } }
        let created = try await server.request("POST", "/api/batches", token: server.alice, body: [
            "jobs": [["type": "noop"], ["type": "sleep", "payload": ["ms": 1]]], "onComplete": ["type": "noop"], "onSuccess": ["type": "noop"],
        ])
        #expect(created.status == 201, "\(created.json)")
        let id = try #require(created.json["id"] as? String)
        #expect(try await server.request("GET", "/api/batches/\(id)", token: server.bob).status == 403)
        #expect(try await server.request("POST", "/api/batches/\(id)/cancel", token: server.bob).status == 403)
        #expect(try await server.request("GET", "/api/batches/0190b5a2-0000-7000-8000-000000000000", token: server.alice).status == 404)

        let cancelled = try await server.request("POST", "/api/batches/\(id)/cancel", token: server.alice)
        #expect(cancelled.status == 200 && cancelled.json["status"] as? String == "finished" && cancelled.json["cancelled"] as? Int == 2)
        let callbacks = try #require(cancelled.json["callbacks"] as? [String: Any])
        #expect(callbacks["onComplete"] is String && callbacks["onSuccess"] is NSNull)
    }

    @Test func badBatchesAreRefusedByFieldAndStoreNothing() async throws {
        let server = try await TestServer.start(runWorkers: false)
        defer { Task { try? await server.stop() } }
        let cases: [([String: Any], String, String)] = [
            (["type": "tally", "items": [1, 2], "chunkSize": 0], "invalid_input", "chunkSize: must be at least 1 (got 0)"),
            (["type": "tally", "items": "abc", "chunkSize": 2], "invalid_input", "items: must be an array"),
            (["type": "tally", "items": [1]], "invalid_input", "chunkSize: is required with items"),
            (["type": "tally", "items": [1], "chunkSize": 1, "payload": [1]], "invalid_input", "payload: each job's payload is its chunk"),
            (["jobs": [["type": "noop"]], "items": [1], "chunkSize": 1, "type": "tally"], "invalid_input", "jobs: give either jobs or items"),
            (["jobs": [["type": "noop"]], "onDone": ["type": "noop"]], "invalid_input", "onDone: is not a known field"),
            (["jobs": [["type": "noop", "dependsOn": ["0190b5a2-0000-7000-8000-000000000000"]]]], "invalid_input", "jobs[0].dependsOn: a batch's jobs cannot wait"),
            (["jobs": [["type": "noop"], ["type": "sleep", "payload": ["ms": "x"]]]], "invalid_payload", "jobs[1]"),
            (["jobs": [["type": "noop"]], "onComplete": ["type": "nope"]], "unknown_job_type", "onComplete: Unknown job type"),
            (["jobs": [["type": "noop"]], "onComplete": ["type": "noop", "delay": "5s"]], "invalid_input", "onComplete: a callback runs when it is due"),
            (["type": "tally", "items": [1, 2], "chunkSize": 1, "name": ""], "invalid_input", "name: must be 1–255 bytes long"),
        ]
        for (body, code, message) in cases {
            let answer = try await server.request("POST", "/api/batches", token: server.alice, body: body)
            #expect(answer.status == 400, "\(body)")
            #expect(answer.errorCode == code && answer.errorMessage.contains(message), "\(answer.errorCode ?? "-"): \(answer.errorMessage)")
        }
        let listed = try await server.request("GET", "/api/jobs", token: server.alice)
        #expect((listed.json["jobs"] as? [Any])?.isEmpty == true, "a refused batch stored nothing")
    }
}
