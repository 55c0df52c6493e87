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
