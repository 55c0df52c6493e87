import Conveyor
import ConveyorServer
import Foundation
import Testing

@Suite("REST: jobs")
struct JobRoutesTests {
    @Test func enqueueReturnsTheJobInTheContractShape() async throws {
        let server = try await TestServer.start(runWorkers: false)
        defer { Task { try? await server.stop() } }
        let answer = try await server.request(
            "POST", "/api/jobs", token: server.alice,
            body: ["type": "sleep", "payload": ["ms": 10], "queue": "media", "priority": "high", "delay": "30s", "maxAttempts": 2, "timeout": "1m"])
        #expect(answer.status == 201)
        let job = answer.json
        #expect(JobID(job["id"] as? String ?? "") != nil)
        #expect(job["type"] as? String == "sleep")
        #expect(job["queue"] as? String == "media")
        #expect(job["status"] as? String == "scheduled")
        #expect(job["priority"] as? String == "high")
        #expect((job["payload"] as? [String: Any])?["ms"] as? Int == 10)
        #expect(job["owner"] as? String == "alice")
        #expect(job["maxAttempts"] as? Int == 2)
        #expect(job["attempts"] as? Int == 0)
        #expect((job["progress"] as? [String: Any])?["percent"] as? Double == 0)
        for key in ["result", "error", "dedupKey", "startedAt", "finishedAt"] { #expect(job[key] is NSNull, "\(key) is null") }
        let created = try Date(job["createdAt"] as? String ?? "", strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        let scheduled = try Date(job["scheduledAt"] as? String ?? "", strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        #expect(abs(scheduled.timeIntervalSince(created) - 30) < 1)
    }

    @Test func badInputIsRefusedNamingTheField() async throws {
        let server = try await TestServer.start(runWorkers: false)
        defer { Task { try? await server.stop() } }
        let cases: [(Any, String, String)] = [
            (["type": "transcode"], "unknown_job_type", "Known types: flaky, noop, sleep"),
            (["type": "sleep", "payload": ["ms": "soon"]], "invalid_payload", "payload.ms"),
            (["type": "sleep", "payload": ["ms": 1], "priorty": "high"], "invalid_input", "priorty: is not a known field"),
            (["type": "sleep", "payload": ["ms": 1], "priority": "urgent"], "invalid_input", "priority: 'urgent' is not one of high, normal, low"),
            (["type": "sleep", "payload": ["ms": 1], "delay": "soon"], "invalid_input", "delay: 'soon' is not a duration"),
            (["type": "sleep", "payload": ["ms": 1], "runAt": "tomorrow"], "invalid_input", "runAt: 'tomorrow' is not an ISO 8601 time"),
            (["type": "sleep", "payload": ["ms": 1], "maxAttempts": 0], "invalid_input", "maxAttempts: 0 is out of range"),
            (["type": "sleep", "payload": ["ms": 1], "queue": "no spaces"], "invalid_input", "queue: 'no spaces'"),
            (["payload": [:]], "invalid_input", "type: is required"),
            ("{not json", "invalid_input", "not valid JSON"),
            ("", "invalid_input", "body is empty"),
        ]
        for (body, code, message) in cases {
            let answer = try await server.request("POST", "/api/jobs", token: server.alice, body: body)
            #expect(answer.status == 400, "\(body)")
            #expect(answer.errorCode == code, "\(body): \(answer.errorMessage)")
            #expect(answer.errorMessage.contains(message), "\(body): \(answer.errorMessage)")
        }
        let page = try await server.request("GET", "/api/jobs", token: server.admin)
        #expect((page.json["jobs"] as? [Any])?.isEmpty == true, "nothing was enqueued by bad requests")
    }

    @Test func tokensAreRequiredAndChecked() async throws {
        let server = try await TestServer.start(runWorkers: false)
        defer { Task { try? await server.stop() } }
        let none = try await server.request("GET", "/api/jobs")
        #expect(none.status == 401)
        #expect(none.errorCode == "unauthorized")
        let forged = try await server.request("GET", "/api/jobs", token: server.alice.dropLast(3) + "abc")
        #expect(forged.status == 401)
        let other = try await TokenAuthority(secret: "another-secret-0123456789-0123456789").token(user: "alice", admin: true, ttl: .seconds(60))
        #expect(try await server.request("GET", "/api/jobs", token: other).status == 401)
        let expired = try await TokenAuthority(secret: TestServer.secret).token(user: "alice", admin: false, ttl: .seconds(60), now: Date().addingTimeInterval(-3600))
        #expect(try await server.request("GET", "/api/jobs", token: expired).status == 401)
        let basic = try await server.request("GET", "/api/jobs", headers: ["Authorization": "Basic YWxpY2U6eA=="])
        #expect(basic.status == 401)
    }

    @Test func bodiesOverTheCapAreRefused() async throws {
        let server = try await TestServer.start(server: ServerConfiguration(port: 0, maxBodySize: 4096), runWorkers: false)
        defer { Task { try? await server.stop() } }
        let big = String(repeating: "x", count: 10_000)
        let answer = try await server.request("POST", "/api/jobs", token: server.alice, body: ["type": "noop", "payload": ["pad": big]])
        #expect(answer.status == 413)
        #expect(answer.errorCode == "body_too_large")
    }

    @Test func dedupReturnsTheSameJob() async throws {
        let server = try await TestServer.start(runWorkers: false)
        defer { Task { try? await server.stop() } }
        let body: [String: Any] = ["type": "noop", "dedupKey": "report-42"]
        let first = try await server.request("POST", "/api/jobs", token: server.alice, body: body)
        let second = try await server.request("POST", "/api/jobs", token: server.alice, body: body)
        #expect(first.status == 201)
        #expect(second.status == 200)
        #expect(second.json["deduplicated"] as? Bool == true)
        #expect(second.json["id"] as? String == first.json["id"] as? String)
        #expect(first.json["deduplicated"] as? Bool == false)
    }

    @Test func batchIsAllOrNothing() async throws {
        let server = try await TestServer.start(runWorkers: false)
        defer { Task { try? await server.stop() } }
        let good = try await server.request(
            "POST", "/api/jobs/batch", token: server.alice, body: ["jobs": [["type": "noop"], ["type": "sleep", "payload": ["ms": 1]]]])
        #expect(good.status == 201)
        #expect((good.json["jobs"] as? [[String: Any]])?.count == 2)
        let bad = try await server.request(
            "POST", "/api/jobs/batch", token: server.alice, body: ["jobs": [["type": "noop"], ["type": "sleep", "payload": ["ms": "x"]]]])
        #expect(bad.status == 400)
        #expect(bad.errorMessage.contains("jobs[1]"), "\(bad.errorMessage)")
        let empty = try await server.request("POST", "/api/jobs/batch", token: server.alice, body: ["jobs": []])
        #expect(empty.status == 400)
        let page = try await server.request("GET", "/api/jobs", token: server.alice)
        #expect((page.json["jobs"] as? [Any])?.count == 2, "the refused batch added nothing")
    }

    @Test func listFiltersAndPages() async throws {
        let server = try await TestServer.start(runWorkers: false)
        defer { Task { try? await server.stop() } }
        for _ in 0..<5 { _ = try await server.enqueue(["type": "noop"], as: server.alice) }
        _ = try await server.enqueue(["type": "sleep", "payload": ["ms": 1], "queue": "slow"], as: server.alice)
        let slow = try await server.request("GET", "/api/jobs?queue=slow", token: server.alice)
        #expect((slow.json["jobs"] as? [[String: Any]])?.map { $0["type"] as? String } == ["sleep"])
        let noop = try await server.request("GET", "/api/jobs?type=noop&status=queued", token: server.alice)
        #expect((noop.json["jobs"] as? [Any])?.count == 5)
        let first = try await server.request("GET", "/api/jobs?limit=4", token: server.alice)
        #expect((first.json["jobs"] as? [Any])?.count == 4)
        let cursor = try #require(first.json["nextCursor"] as? String)
        let second = try await server.request("GET", "/api/jobs?limit=4&cursor=\(cursor)", token: server.alice)
        #expect((second.json["jobs"] as? [Any])?.count == 2)
        #expect(second.json["nextCursor"] is NSNull)
        for (query, message) in [("status=done", "status: 'done'"), ("limit=0", "limit: '0'"), ("cursor=abc", "cursor: 'abc'"), ("owner=bob", "owner: is not a known filter")] {
            let answer = try await server.request("GET", "/api/jobs?\(query)", token: server.alice)
            #expect(answer.status == 400)
            #expect(answer.errorMessage.contains(message), "\(answer.errorMessage)")
        }
    }

    @Test func dependsOnMakesAJobWaitForTheUsersOwnJobs() async throws {
        let server = try await TestServer.start(runWorkers: false)
        defer { Task { try? await server.stop() } }
        let first = try await server.enqueue(["type": "noop"], as: server.alice)
        let waiting = try await server.request(
            "POST", "/api/jobs", token: server.alice, body: ["type": "noop", "dependsOn": [first], "onDependencyFailure": "run"])
        #expect(waiting.status == 201 && waiting.json["status"] as? String == "waiting")
        #expect(waiting.json["dependsOn"] as? [String] == [first] && waiting.json["onDependencyFailure"] as? String == "run")
        for (body, message) in [
            (["type": "noop", "dependsOn": ["nope"]], "dependsOn[0]: 'nope' is not a job id (UUID)"),
            (["type": "noop", "dependsOn": [first], "onDependencyFailure": "maybe"], "onDependencyFailure: 'maybe' is not one of cancel, run"),
            (["type": "noop", "dependsOn": ["0190b5a2-0000-7000-8000-000000000000"]], "dependsOn[0]: no job with id 0190b5a2-0000-7000-8000-000000000000"),
        ] as [([String: Any], String)] {
            let answer = try await server.request("POST", "/api/jobs", token: server.alice, body: body)
            #expect(answer.status == 400)
            #expect(answer.errorMessage.contains(message), "\(answer.errorMessage)")
        }
        let bobs = try await server.request("POST", "/api/jobs", token: server.bob, body: ["type": "noop", "dependsOn": [first]])
        #expect(bobs.status == 400 && bobs.errorMessage == "dependsOn[0]: job \(first) belongs to another user")
        let admins = try await server.request("POST", "/api/jobs", token: server.admin, body: ["type": "noop", "dependsOn": [first]])
        #expect(admins.status == 201)
    }

    @Test func searchFindsPayloadTextAmongTheUsersOwnJobs() async throws {
        let server = try await TestServer.start(runWorkers: false)
        defer { Task { try? await server.stop() } }
        let hers = try await server.enqueue(["type": "sleep", "payload": ["ms": 424242]], as: server.alice)
        _ = try await server.enqueue(["type": "sleep", "payload": ["ms": 424242]], as: server.bob)
        _ = try await server.enqueue(["type": "sleep", "payload": ["ms": 1]], as: server.alice)
        let found = try await server.request("GET", "/api/jobs?search=424242", token: server.alice)
        #expect((found.json["jobs"] as? [[String: Any]])?.map { $0["id"] as? String } == [hers], "alice finds her job and never bob's")
        let all = try await server.request("GET", "/api/jobs?search=424242", token: server.admin)
        #expect((all.json["jobs"] as? [Any])?.count == 2)
        let long = String(repeating: "x", count: 201)
        for (query, message) in [("search=\(long)", "search: 201 characters is over the limit of 200"), ("search=a%00b", "search: control characters")] {
            let answer = try await server.request("GET", "/api/jobs?\(query)", token: server.alice)
            #expect(answer.status == 400)
            #expect(answer.errorMessage.contains(message), "\(answer.errorMessage)")
        }
    }

    @Test func usersSeeOnlyTheirOwnJobs() async throws {
        let server = try await TestServer.start(runWorkers: false)
        defer { Task { try? await server.stop() } }
        let bobs = try await server.enqueue(["type": "noop"], as: server.bob)
        _ = try await server.enqueue(["type": "noop"], as: server.alice)
        let get = try await server.request("GET", "/api/jobs/\(bobs)", token: server.alice)
        #expect(get.status == 403)
        #expect(get.errorCode == "forbidden")
        #expect(try await server.request("POST", "/api/jobs/\(bobs)/cancel", token: server.alice).status == 403)
        #expect(try await server.request("POST", "/api/jobs/\(bobs)/retry", token: server.alice).status == 403)
        let list = try await server.request("GET", "/api/jobs", token: server.alice)
        #expect((list.json["jobs"] as? [[String: Any]])?.allSatisfy { $0["owner"] as? String == "alice" } == true)
        #expect((list.json["jobs"] as? [Any])?.count == 1)
        #expect(try await server.request("GET", "/api/jobs/\(bobs)", token: server.bob).status == 200)
        #expect(try await server.request("GET", "/api/jobs/\(bobs)", token: server.admin).status == 200)
        let all = try await server.request("GET", "/api/jobs", token: server.admin)
        #expect((all.json["jobs"] as? [Any])?.count == 2)
    }

    @Test func unknownAndMalformedIds() async throws {
        let server = try await TestServer.start(runWorkers: false)
        defer { Task { try? await server.stop() } }
        let missing = try await server.request("GET", "/api/jobs/\(JobID.make())", token: server.alice)
        #expect(missing.status == 404)
        #expect(missing.errorCode == "not_found")
        let malformed = try await server.request("GET", "/api/jobs/42", token: server.alice)
        #expect(malformed.status == 400)
        #expect(malformed.errorMessage.contains("id: '42'"))
        let route = try await server.request("GET", "/api/nothing-here", token: server.alice)
        #expect(route.status == 404)
        #expect(route.errorCode == "not_found")
    }

    @Test func cancellingARunningJobStopsIt() async throws {
        let server = try await TestServer.start()
        defer { Task { try? await server.stop() } }
        let id = try await server.enqueue(["type": "sleep", "payload": ["ms": 60_000]], as: server.alice)
        _ = try await server.waitForJob(id) { $0["status"] as? String == "running" }
        let answer = try await server.request("POST", "/api/jobs/\(id)/cancel", token: server.alice)
        #expect(answer.status == 200)
        #expect(answer.json["status"] as? String == "cancelled")
        let deadline = ContinuousClock.now + .seconds(10)
        while server.runtime.activeJobCount > 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(server.runtime.activeJobCount == 0, "the handler's task was stopped, not left sleeping")
        let again = try await server.request("POST", "/api/jobs/\(id)/cancel", token: server.alice)
        #expect(again.status == 409)
        #expect(again.errorCode == "conflict")
    }

    @Test func retryPutsAFailedJobBack() async throws {
        let server = try await TestServer.start()
        defer { Task { try? await server.stop() } }
        let failed = try await server.enqueue(["type": "flaky", "payload": ["failTimes": 1, "permanent": true]], as: server.alice)
        _ = try await server.waitForJob(failed) { $0["status"] as? String == "failed" }
        let firstFinish = try await server.request("GET", "/api/jobs/\(failed)", token: server.alice).json["finishedAt"] as? String
        let retried = try await server.request("POST", "/api/jobs/\(failed)/retry", token: server.alice)
        #expect(retried.status == 200)
        #expect(retried.json["attempts"] as? Int == 0)
        // Attempts start again at 1, so the flaky job fails its first attempt again: it ran anew.
        let rerun = try await server.waitForJob(failed) { $0["status"] as? String == "failed" && $0["finishedAt"] as? String != firstFinish }
        #expect(rerun["attempts"] as? Int == 1)
        let completed = try await server.enqueue(["type": "noop"], as: server.alice)
        _ = try await server.waitForJob(completed) { $0["status"] as? String == "completed" }
        let notRetryable = try await server.request("POST", "/api/jobs/\(completed)/retry", token: server.alice)
        #expect(notRetryable.status == 409)
    }

    @Test func aFullQueueAnswers503() async throws {
        let server = try await TestServer.start(configuration: RuntimeConfiguration(concurrency: 1, maxQueueSize: 2), runWorkers: false)
        defer { Task { try? await server.stop() } }
        _ = try await server.enqueue(["type": "noop"], as: server.alice)
        _ = try await server.enqueue(["type": "noop"], as: server.alice)
        let full = try await server.request("POST", "/api/jobs", token: server.alice, body: ["type": "noop"])
        #expect(full.status == 503)
        #expect(full.errorCode == "queue_full")
        #expect(full.headers["retry-after"] != nil)
    }
}
