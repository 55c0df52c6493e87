import Conveyor
import Foundation
import Testing
import TestSupport

/// What an ordinary user sends to break others or the server: another user's dedup key, queue
/// names to get past a cap, NUL characters, huge values to be echoed back, typos that would be
/// silently lost. Each is refused (or kept apart) through the real server, and nothing is lost.
@Suite("security: input")
struct InputAttackTests {
    @Test("a dedup key is per user: bob using alice's key gets his own job, never hers")
    func dedupPerOwner() async throws {
        let server = try await TestServer.start(runWorkers: false)
        defer { Task { try? await server.stop() } }
        let alices = try await server.request("POST", "/api/jobs", token: server.alice, body: ["type": "sleep", "payload": ["ms": 4242], "dedupKey": "nightly"])
        #expect(alices.status == 201)
        let bobs = try await server.request("POST", "/api/jobs", token: server.bob, body: ["type": "sleep", "payload": ["ms": 7], "dedupKey": "nightly"])
        #expect(bobs.status == 201, "\(bobs.status) \(String(decoding: bobs.data, as: UTF8.self))")
        #expect(bobs.json["owner"] as? String == "bob" && bobs.json["id"] as? String != alices.json["id"] as? String)
        #expect(!String(decoding: bobs.data, as: UTF8.self).contains("4242"), "bob saw alice's payload")
        let again = try await server.request("POST", "/api/jobs", token: server.alice, body: ["type": "sleep", "payload": ["ms": 1], "dedupKey": "nightly"])
        #expect(again.status == 200 && again.json["deduplicated"] as? Bool == true && again.json["id"] as? String == alices.json["id"] as? String)
    }

    @Test("queue names do not multiply the caps: a total and a per-user cap of unfinished jobs")
    func capsAcrossQueues() async throws {
        var configuration = RuntimeConfiguration(concurrency: 1, pollInterval: .milliseconds(50), maxQueueSize: 2)
        configuration.maxJobs = 5
        configuration.maxJobsPerOwner = 3
        let server = try await TestServer.start(configuration: configuration, runWorkers: false)
        defer { Task { try? await server.stop() } }
        for queue in ["q1", "q2", "q3"] {
            #expect(try await server.request("POST", "/api/jobs", token: server.alice, body: ["type": "sleep", "payload": ["ms": 1], "queue": queue]).status == 201)
        }
        let fourth = try await server.request("POST", "/api/jobs", token: server.alice, body: ["type": "sleep", "payload": ["ms": 1], "queue": "q4"])
        #expect(fourth.status == 429 && fourth.errorCode == "too_many_jobs" && fourth.headers["retry-after"] != nil, "\(fourth.status) \(fourth.errorMessage)")
        let batch = try await server.request("POST", "/api/jobs/batch", token: server.bob, body: ["jobs": (5...8).map { index -> [String: Any] in ["type": "sleep", "payload": ["ms": 1], "queue": "b\(index)"] }])
        #expect(batch.status == 429, "four at once are refused whole")
        #expect(try await server.request("POST", "/api/jobs/batch", token: server.bob, body: ["jobs": [["type": "sleep", "payload": ["ms": 1], "queue": "b1"], ["type": "sleep", "payload": ["ms": 1], "queue": "b2"]]]).status == 201)
        let full = try await server.request("POST", "/api/jobs", token: server.admin, body: ["type": "sleep", "payload": ["ms": 1], "queue": "elsewhere"])
        #expect(full.status == 503 && full.errorCode == "queue_full", "\(full.status) \(full.errorMessage)")
        let page = try await server.request("GET", "/api/jobs?limit=100", token: server.admin)
        #expect((page.json["jobs"] as? [Any])?.count == 5, "nothing refused was written")
    }

    @Test("NUL characters in identifiers are refused, not cut short")
    func nul() async throws {
        let server = try await TestServer.start(runWorkers: false)
        defer { Task { try? await server.stop() } }
        let type = try await server.request("POST", "/api/jobs", token: server.alice, body: #"{"type": "sleep\u0000x", "payload": {"ms": 1}}"#)
        #expect(type.status == 400 && type.errorMessage.contains(#"'sleep\u{0}x'"#), "\(type.errorMessage)")
        _ = try await server.request("POST", "/api/jobs", token: server.alice, body: ["type": "sleep", "payload": ["ms": 1], "dedupKey": "nul"])
        let key = try await server.request("POST", "/api/jobs", token: server.alice, body: #"{"type": "sleep", "payload": {"ms": 1}, "dedupKey": "nul\u0000x"}"#)
        #expect(key.status == 400 && key.errorMessage.contains("dedupKey") && key.errorMessage.contains("NUL"), "\(key.errorMessage)")
        let queue = try await server.request("POST", "/api/jobs", token: server.alice, body: #"{"type": "sleep", "payload": {"ms": 1}, "queue": "a\u0000b"}"#)
        #expect(queue.status == 400 && queue.errorMessage.hasPrefix("queue:"), "\(queue.errorMessage)")
    }

    @Test("errors name the real problem and never echo huge input; unknown payload fields are refused by name")
    func messages() async throws {
        let server = try await TestServer.start(runWorkers: false)
        defer { Task { try? await server.stop() } }
        let huge = String(repeating: "x", count: 100_000)
        let longType = try await server.request("POST", "/api/jobs", token: server.alice, body: ["type": huge, "payload": [:] as [String: Any]])
        #expect(longType.status == 400 && longType.data.count < 2_000, "\(longType.data.count) bytes")
        #expect(longType.errorMessage.contains("100000 bytes"))
        let longQueue = try await server.request("POST", "/api/jobs", token: server.alice, body: ["type": "sleep", "payload": ["ms": 1], "queue": huge])
        #expect(longQueue.status == 400 && longQueue.data.count < 2_000)
        let longID = try await server.request("GET", "/api/jobs/" + String(huge.prefix(20_000)), token: server.alice)
        #expect(longID.status == 400 && longID.data.count < 2_000)

        let fraction = try await server.request("POST", "/api/jobs", token: server.alice, body: #"{"type": "sleep", "payload": {"ms": 1}, "maxAttempts": 1.5}"#)
        #expect(fraction.status == 400 && fraction.errorMessage.hasPrefix("maxAttempts:") && fraction.errorMessage.contains("whole number"), "\(fraction.errorMessage)")
        let notUTF8 = try await server.request("POST", "/api/jobs", token: server.alice, body: Data([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D]))
        #expect(notUTF8.status == 400 && notUTF8.errorMessage.contains("UTF-8"), "\(notUTF8.errorMessage)")
        let notObject = try await server.request("POST", "/api/jobs", token: server.alice, body: "[1, 2]")
        #expect(notObject.status == 400 && notObject.errorMessage.contains("object"), "\(notObject.errorMessage)")

        let typo = try await server.request("POST", "/api/jobs", token: server.alice, body: ["type": "sleep", "payload": ["ms": 10, "msx": 1]])
        #expect(typo.status == 400 && typo.errorCode == "invalid_payload", "\(typo.status)")
        #expect(typo.errorMessage.contains("payload.msx: is not a known field (known: ms)"), "\(typo.errorMessage)")
        let nested = try await server.request("POST", "/api/jobs", token: server.alice, body: ["type": "flaky", "payload": ["failTimes": 1, "permanant": true]])
        #expect(nested.status == 400 && nested.errorMessage.contains("payload.permanant"), "\(nested.errorMessage)")
        let listed = try await server.request("GET", "/api/jobs?limit=10", token: server.alice)
        #expect((listed.json["jobs"] as? [Any])?.isEmpty == true, "a refused job was stored")
    }
}
