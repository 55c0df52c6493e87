import Conveyor
import Foundation
import Testing

@Suite("REST: dead letter, queues, memory, handlers")
struct AdminRoutesTests {
    @Test func deadLetterIsAdminOnly() async throws {
        let server = try await TestServer.start()
        defer { Task { try? await server.stop() } }
        let failed = try await server.enqueue(["type": "flaky", "payload": ["failTimes": 9, "permanent": true]], as: server.alice)
        let completed = try await server.enqueue(["type": "noop"], as: server.alice)
        _ = try await server.waitForJob(failed) { $0["status"] as? String == "failed" }
        _ = try await server.waitForJob(completed) { $0["status"] as? String == "completed" }

        for (method, path) in [("GET", "/api/dead-letter"), ("POST", "/api/dead-letter/\(failed)/retry")] {
            let answer = try await server.request(method, path, token: server.alice)
            #expect(answer.status == 403, "\(path)")
            #expect(answer.errorCode == "forbidden")
        }
        #expect(try await server.request("POST", "/api/dead-letter/cleanup", token: server.alice, body: ["olderThan": "1s"]).status == 403)

        let list = try await server.request("GET", "/api/dead-letter", token: server.admin)
        #expect(list.status == 200)
        let jobs = try #require(list.json["jobs"] as? [[String: Any]])
        #expect(jobs.map { $0["id"] as? String } == [failed])
        #expect((jobs[0]["error"] as? [String: Any])?["permanent"] as? Bool == true)

        let notDead = try await server.request("POST", "/api/dead-letter/\(completed)/retry", token: server.admin)
        #expect(notDead.status == 409)
        let unknown = try await server.request("POST", "/api/dead-letter/\(JobID.make())/retry", token: server.admin)
        #expect(unknown.status == 404)
        let retried = try await server.request("POST", "/api/dead-letter/\(failed)/retry", token: server.admin)
        #expect(retried.status == 200)
        #expect(["queued", "running", "failed"].contains(retried.json["status"] as? String ?? ""))
    }

    @Test func cleanupDeletesOldFailedJobs() async throws {
        let server = try await TestServer.start()
        defer { Task { try? await server.stop() } }
        let failed = try await server.enqueue(["type": "flaky", "payload": ["failTimes": 9, "permanent": true]], as: server.alice)
        _ = try await server.waitForJob(failed) { $0["status"] as? String == "failed" }
        let young = try await server.request("POST", "/api/dead-letter/cleanup", token: server.admin, body: ["olderThan": "1h"])
        #expect(young.status == 200)
        #expect(young.json["deleted"] as? Int == 0)
        try await Task.sleep(for: .milliseconds(1100))
        let old = try await server.request("POST", "/api/dead-letter/cleanup", token: server.admin, body: ["olderThan": "1s"])
        #expect(old.json["deleted"] as? Int == 1)
        #expect(try await server.request("GET", "/api/jobs/\(failed)", token: server.admin).status == 404)
        let bad = try await server.request("POST", "/api/dead-letter/cleanup", token: server.admin, body: ["olderThan": "a while"])
        #expect(bad.status == 400)
        #expect(bad.errorMessage.contains("olderThan: 'a while'"))
        let missing = try await server.request("POST", "/api/dead-letter/cleanup", token: server.admin, body: [:] as [String: Any])
        #expect(missing.errorMessage.contains("olderThan: is required"))
    }

    @Test func pauseStopsClaimingAndResumeStartsIt() async throws {
        let server = try await TestServer.start()
        defer { Task { try? await server.stop() } }
        #expect(try await server.request("POST", "/api/queues/default/pause", token: server.alice).status == 403)
        let paused = try await server.request("POST", "/api/queues/default/pause", token: server.admin)
        #expect(paused.status == 200)
        #expect(paused.json["paused"] as? Bool == true)
        let id = try await server.enqueue(["type": "noop"], as: server.alice)
        try await Task.sleep(for: .milliseconds(400))
        #expect(try await server.request("GET", "/api/jobs/\(id)", token: server.alice).json["status"] as? String == "queued")
        let stats = try await server.request("GET", "/api/queues/stats", token: server.alice)
        #expect(stats.json["paused"] as? [String] == ["default"])
        #expect(try await server.request("POST", "/api/queues/default/resume", token: server.admin).status == 200)
        _ = try await server.waitForJob(id) { $0["status"] as? String == "completed" }
        #expect(try await server.request("POST", "/api/queues/bad%20name/pause", token: server.admin).status == 400)
    }

    @Test func statsMemoryAndHandlersHaveTheirShape() async throws {
        let server = try await TestServer.start(runWorkers: false)
        defer { Task { try? await server.stop() } }
        _ = try await server.enqueue(["type": "noop"], as: server.alice)
        let stats = try await server.request("GET", "/api/queues/stats", token: server.alice).json
        for key in ["queued", "scheduled", "waiting", "running", "completed", "failed", "cancelled", "total", "throughputPerMinute"] {
            #expect(stats[key] is Int, "\(key)")
        }
        #expect(stats["queued"] as? Int == 1)
        #expect(stats["oldestQueuedAge"] is Double || stats["oldestQueuedAge"] is Int)
        #expect(stats["oldestRunningAge"] is NSNull)
        // An API process without workers has no capacity of its own to report: only worker processes count.
        #expect((stats["workers"] as? [String: Any])?["max"] as? Int == 0)
        #expect((stats["memory"] as? [String: Any])?["max"] as? Int == 200_000_000)

        let memory = try await server.request("GET", "/api/memory", token: server.alice).json
        for key in ["current", "peak", "max", "perJobCap", "utilization", "activeReservations", "waiters"] { #expect(memory[key] != nil, "\(key)") }
        #expect((memory["formatted"] as? [String: Any])?["max"] as? String == "200 MB")

        let handlers = try await server.request("GET", "/api/handlers", token: server.alice).json
        let names = (handlers["handlers"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(names == ["flaky", "noop", "sleep", "tally"])
    }
}
