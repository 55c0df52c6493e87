import Conveyor
import Foundation
import Testing
import TestSupport

@Suite("WebSocket")
struct WebSocketTests {
    @Test func progressArrivesInOrderThenFinished() async throws {
        let server = try await TestServer.start()
        defer { Task { try? await server.stop() } }
        let id = try await server.enqueue(["type": "sleep", "payload": ["ms": 800]], as: server.alice)
        let socket = WebSocketProbe(url: "ws://127.0.0.1:\(server.port)/ws?token=\(server.alice)")
        defer { socket.close() }
        socket.send(#"{"type":"subscribe","topic":"job","jobId":"\#(id)"}"#)
        let finished = try await socket.next { $0["type"] as? String == "job:finished" }
        #expect(finished["jobId"] as? String == id)
        #expect(finished["status"] as? String == "completed")
        #expect((finished["result"] as? [String: Any])?["slept"] as? Int == 800)
        #expect(finished["timestamp"] is String)
        let messages = socket.messages
        let progress = messages.filter { $0["type"] as? String == "job:progress" }
        #expect(progress.count >= 3, "\(messages)")
        let percents = progress.compactMap { $0["progress"] as? Double }
        #expect(percents == percents.sorted(), "progress only moves forward")
        #expect(progress.allSatisfy { $0["jobId"] as? String == id && $0["timestamp"] is String && $0["message"] is String })
        let lastProgress = try #require(messages.lastIndex { $0["type"] as? String == "job:progress" })
        let finishedIndex = try #require(messages.firstIndex { $0["type"] as? String == "job:finished" })
        #expect(lastProgress < finishedIndex)
        #expect(messages.filter { $0["type"] as? String == "job:finished" }.count == 1)
    }

    @Test func aFinishedJobIsReportedOnSubscribe() async throws {
        let server = try await TestServer.start()
        defer { Task { try? await server.stop() } }
        let id = try await server.enqueue(["type": "flaky", "payload": ["failTimes": 5, "permanent": true]], as: server.alice)
        _ = try await server.waitForJob(id) { $0["status"] as? String == "failed" }
        let socket = WebSocketProbe(url: "ws://127.0.0.1:\(server.port)/ws")
        defer { socket.close() }
        socket.send(#"{"type":"auth","token":"\#(server.alice)"}"#)
        try await socket.next { $0["type"] as? String == "authenticated" }
        socket.send(#"{"type":"subscribe","topic":"job","jobId":"\#(id)"}"#)
        let finished = try await socket.next { $0["type"] as? String == "job:finished" }
        #expect(finished["status"] as? String == "failed")
        #expect(((finished["error"] as? [String: Any])?["message"] as? String)?.contains("Failing on purpose") == true)
    }

    @Test("queue and memory stats are pushed when they change, not every second")
    func statsOnlyOnChange() async throws {
        let server = try await TestServer.start(runWorkers: false)
        defer { Task { try? await server.stop() } }
        let socket = WebSocketProbe(url: "ws://127.0.0.1:\(server.port)/ws?token=\(server.admin)")
        defer { socket.close() }
        socket.send(#"{"type":"subscribe","topic":"memory"}"#)
        socket.send(#"{"type":"subscribe","topic":"queue"}"#)
        try await socket.next { $0["type"] as? String == "queue:stats" }
        try await Task.sleep(for: .seconds(4))
        let count = { (type: String) in socket.messages.filter { $0["type"] as? String == type }.count }
        #expect(count("memory:stats") == 1 && count("queue:stats") == 1, "\(socket.messages)")
        _ = try await server.enqueue(["type": "sleep", "payload": ["ms": 1]], as: server.alice)
        try await socket.next { $0["type"] as? String == "queue:stats" && $0["queued"] as? Int == 1 }
    }

    @Test func badMessagesGetAnErrorAndTheConnectionStays() async throws {
        let server = try await TestServer.start(runWorkers: false)
        defer { Task { try? await server.stop() } }
        let bobs = try await server.enqueue(["type": "noop"], as: server.bob)
        let socket = WebSocketProbe(url: "ws://127.0.0.1:\(server.port)/ws")
        defer { socket.close() }
        let cases: [(String, String, String)] = [
            (#"{"type":"subscribe","topic":"queue"}"#, "unauthorized", "Authenticate first"),
            (#"{"type":"auth","token":"nope"}"#, "unauthorized", "not a JWT"),
            ("not json", "invalid_message", "not a JSON object"),
            (#"{"type":"dance"}"#, "invalid_message", "type: 'dance'"),
            (#"{"kind":"subscribe"}"#, "invalid_message", "type: is required"),
        ]
        for (index, (text, code, message)) in cases.enumerated() {
            socket.send(text)
            let errors = try await waitForErrors(socket, count: index + 1)
            #expect(errors.last?["code"] as? String == code, "\(text)")
            #expect((errors.last?["message"] as? String)?.contains(message) == true, "\(text): \(errors.last ?? [:])")
        }
        socket.send(#"{"type":"auth","token":"\#(server.alice)"}"#)
        try await socket.next { $0["type"] as? String == "authenticated" }
        let more: [(String, String, String)] = [
            (#"{"type":"subscribe","topic":"weather"}"#, "invalid_message", "topic: 'weather'"),
            (#"{"type":"subscribe","topic":"job"}"#, "invalid_message", "jobId: is required"),
            (#"{"type":"subscribe","topic":"job","jobId":"42"}"#, "invalid_message", "jobId: '42'"),
            (#"{"type":"subscribe","topic":"job","jobId":"\#(JobID.make())"}"#, "not_found", "No job"),
            (#"{"type":"subscribe","topic":"job","jobId":"\#(bobs)"}"#, "forbidden", "another user"),
        ]
        for (index, (text, code, message)) in more.enumerated() {
            socket.send(text)
            let errors = try await waitForErrors(socket, count: cases.count + index + 1)
            #expect(errors.last?["code"] as? String == code, "\(text)")
            #expect((errors.last?["message"] as? String)?.contains(message) == true, "\(text): \(errors.last ?? [:])")
        }
        socket.send(#"{"type":"subscribe","topic":"memory"}"#)
        let memory = try await socket.next { $0["type"] as? String == "memory:stats" }
        #expect(memory["max"] as? Int == 200_000_000)
        #expect(socket.closedWith == nil, "still connected after ten bad messages")
    }

    @Test func queueStatsArriveOnChange() async throws {
        let server = try await TestServer.start(runWorkers: false)
        defer { Task { try? await server.stop() } }
        let socket = WebSocketProbe(url: "ws://127.0.0.1:\(server.port)/ws?token=\(server.alice)")
        defer { socket.close() }
        socket.send(#"{"type":"subscribe","topic":"queue"}"#)
        try await socket.next { $0["type"] as? String == "queue:stats" && $0["queued"] as? Int == 0 }
        _ = try await server.enqueue(["type": "noop"], as: server.alice)
        let changed = try await socket.next(timeout: .seconds(5)) { $0["type"] as? String == "queue:stats" && $0["queued"] as? Int == 1 }
        #expect(changed["total"] as? Int == 1)
    }

    @Test func aBadQueryTokenGetsAnErrorAndA1008Close() async throws {
        let server = try await TestServer.start(runWorkers: false)
        defer { Task { try? await server.stop() } }
        let socket = WebSocketProbe(url: "ws://127.0.0.1:\(server.port)/ws?token=forged")
        defer { socket.close() }
        let error = try await socket.next { $0["type"] as? String == "error" }
        #expect(error["code"] as? String == "unauthorized")
        #expect(try await socket.waitUntilClosed() == "policyViolation")
    }

    @Test func shutdownClosesSocketsWith1001() async throws {
        let server = try await TestServer.start()
        let socket = WebSocketProbe(url: "ws://127.0.0.1:\(server.port)/ws?token=\(server.alice)")
        defer { socket.close() }
        socket.send(#"{"type":"subscribe","topic":"memory"}"#)
        try await socket.next { $0["type"] as? String == "memory:stats" }
        try await server.stop()
        #expect(try await socket.waitUntilClosed() == "goingAway")
    }

    @Test("topic flow: progress as the chain moves, then flow:finished once")
    func flowProgressThenFinished() async throws {
        let server = try await TestServer.start()
        defer { Task { try? await server.stop() } }
        let created = try await server.request("POST", "/api/flows", token: server.alice, body: [
            "chain": [["type": "sleep", "payload": ["ms": 300]], ["type": "sleep", "payload": ["ms": 300]], ["type": "noop"]],
        ])
        let id = try #require(created.json["id"] as? String)
        let socket = WebSocketProbe(url: "ws://127.0.0.1:\(server.port)/ws?token=\(server.alice)")
        defer { socket.close() }
        socket.send(#"{"type":"subscribe","topic":"flow","flowId":"\#(id)"}"#)
        let finished = try await socket.next(timeout: .seconds(15)) { $0["type"] as? String == "flow:finished" }
        #expect(finished["flowId"] as? String == id && finished["status"] as? String == "completed" && finished["percent"] as? Double == 100)
        #expect((finished["counts"] as? [String: Any])?["completed"] as? Int == 3)
        let progress = socket.messages.filter { $0["type"] as? String == "flow:progress" }
        let percents = progress.compactMap { $0["percent"] as? Double }
        #expect(!percents.isEmpty && percents == percents.sorted(), "\(socket.messages)")
        #expect(percents.contains { $0 > 0 && $0 < 100 }, "a step of the chain was reported between start and end: \(percents)")

        // Following a finished flow says so at once, and only once.
        let late = WebSocketProbe(url: "ws://127.0.0.1:\(server.port)/ws?token=\(server.alice)")
        defer { late.close() }
        late.send(#"{"type":"subscribe","topic":"flow","flowId":"\#(id)"}"#)
        try await late.next { $0["type"] as? String == "flow:finished" }
        _ = try await server.enqueue(["type": "noop"], as: server.alice)
        try await Task.sleep(for: .milliseconds(500))
        #expect(late.messages.filter { $0["type"] as? String == "flow:finished" }.count == 1)
        #expect(socket.messages.filter { $0["type"] as? String == "flow:finished" }.count == 1)
    }

    @Test("topic batch: progress while jobs end, then batch:finished with the callback's id")
    func batchProgressThenFinished() async throws {
        let server = try await TestServer.start()
        defer { Task { try? await server.stop() } }
        let created = try await server.request("POST", "/api/batches", token: server.alice, body: [
            "jobs": (1...4).map { ["type": "sleep", "payload": ["ms": 150 * $0]] }, "onComplete": ["type": "noop"],
        ])
        let id = try #require(created.json["id"] as? String)
        let socket = WebSocketProbe(url: "ws://127.0.0.1:\(server.port)/ws?token=\(server.alice)")
        defer { socket.close() }
        socket.send(#"{"type":"subscribe","topic":"batch","batchId":"\#(id)"}"#)
        try await socket.next { $0["type"] as? String == "subscribed" && $0["topic"] as? String == "batch" && $0["batchId"] as? String == id }
        let finished = try await socket.next(timeout: .seconds(15)) { $0["type"] as? String == "batch:finished" }
        #expect(finished["batchId"] as? String == id && finished["completed"] as? Int == 4 && finished["pending"] as? Int == 0)
        #expect((finished["callbacks"] as? [String: Any])?["onComplete"] is String, "\(finished)")
        let pending = socket.messages.filter { $0["type"] as? String == "batch:progress" }.compactMap { $0["pending"] as? Int }
        #expect(!pending.isEmpty && pending == pending.sorted(by: >), "\(socket.messages)")
    }

    @Test("topics flow and batch: ids are checked, someone else's is refused")
    func flowAndBatchRefusals() async throws {
        let server = try await TestServer.start(runWorkers: false)
        defer { Task { try? await server.stop() } }
        let bobsFlow = try #require(try await server.request("POST", "/api/flows", token: server.bob, body: ["chain": [["type": "noop"]]]).json["id"] as? String)
        let bobsBatch = try #require(try await server.request("POST", "/api/batches", token: server.bob, body: ["jobs": [["type": "noop"]]]).json["id"] as? String)
        let socket = WebSocketProbe(url: "ws://127.0.0.1:\(server.port)/ws?token=\(server.alice)")
        defer { socket.close() }
        let cases: [(String, String, String)] = [
            (#"{"type":"subscribe","topic":"flow"}"#, "invalid_message", "flowId: is required"),
            (#"{"type":"subscribe","topic":"batch","batchId":"x"}"#, "invalid_message", "batchId: 'x'"),
            (#"{"type":"subscribe","topic":"flow","flowId":"\#(JobID.make())"}"#, "not_found", "No flow"),
            (#"{"type":"subscribe","topic":"flow","flowId":"\#(bobsFlow)"}"#, "forbidden", "another user"),
            (#"{"type":"subscribe","topic":"batch","batchId":"\#(bobsBatch)"}"#, "forbidden", "another user"),
        ]
        for (index, (text, code, message)) in cases.enumerated() {
            socket.send(text)
            let errors = try await waitForErrors(socket, count: index + 1)
            #expect(errors.last?["code"] as? String == code, "\(text)")
            #expect((errors.last?["message"] as? String)?.contains(message) == true, "\(text): \(errors.last ?? [:])")
        }
        #expect(!socket.messages.contains { ($0["type"] as? String)?.hasPrefix("flow:") == true || ($0["type"] as? String)?.hasPrefix("batch:") == true })
    }

    private func waitForErrors(_ socket: WebSocketProbe, count: Int) async throws -> [[String: Any]] {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            let errors = socket.messages.filter { $0["type"] as? String == "error" }
            if errors.count >= count { return errors }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TestServerError("expected \(count) error messages, got \(socket.messages)")
    }
}
