import Conveyor
import Foundation
import Synchronization
import Testing

/// Opens once; stages wait on it.
final class Gate: Sendable {
    private let opened = Mutex(false)
    func open() { opened.withLock { $0 = true } }
    func wait() async throws { while !opened.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) } }
}

struct GatedPipeline: ConveyorPlugin {
    let name = "gated"
    let gate: Gate
    func register(into registry: inout HandlerRegistry) {
        let gate = gate
        registry.register(Pipeline<Int, Int>("gated") {
            Step<Int, Int>("fetch") { value, _ in value + 1 }
            Step<Int, Int>("wait") { value, _ in try await gate.wait(); return value }
            Step<Int, Int>("finish") { value, _ in value * 2 }
        })
    }
}

@Suite("REST: a job's steps")
struct StepRoutesTests {
    func steps(_ job: [String: Any]) -> [(name: String, status: String, attempt: Int?)] {
        (job["steps"] as? [[String: Any]] ?? []).map { ($0["name"] as? String ?? "", $0["status"] as? String ?? "", $0["attempt"] as? Int) }
    }

    @Test("GET /api/jobs/{id} shows each stage: recorded ones completed, the running one, the rest pending; lists leave steps null")
    func stagesOfARunningJob() async throws {
        let gate = Gate()
        let server = try await TestServer.start(plugins: [GatedPipeline(gate: gate)])
        defer { Task { try? await server.stop() } }
        let id = try await server.enqueue(["type": "gated", "payload": 1], as: server.alice)
        _ = try await server.waitForJob(id) { ($0["progress"] as? [String: Any])?["stage"] as? String == "wait" }
        let running = try await server.request("GET", "/api/jobs/\(id)", token: server.alice).json
        let shown = steps(running)
        #expect(shown.map(\.name) == ["fetch", "wait", "finish"])
        #expect(shown.map(\.status) == ["completed", "running", "pending"])
        #expect(shown.map(\.attempt) == [1, 1, nil])
        let first = (running["steps"] as? [[String: Any]])?.first
        #expect(first?["startedAt"] is String && first?["finishedAt"] is String)
        let listed = try await server.request("GET", "/api/jobs?type=gated", token: server.alice).json
        #expect(((listed["jobs"] as? [[String: Any]])?.first)?["steps"] is NSNull)

        gate.open()
        let done = try await server.waitForJob(id) { $0["status"] as? String == "completed" }
        #expect(done["result"] as? Int == 4)
        let finished = try await server.request("GET", "/api/jobs/\(id)", token: server.alice).json
        #expect(steps(finished).map(\.status) == ["completed", "completed", "completed"])
    }

    @Test("a job cancelled mid-way shows the stages it never ran as skipped")
    func cancelledSkips() async throws {
        let server = try await TestServer.start(plugins: [GatedPipeline(gate: Gate())])
        defer { Task { try? await server.stop() } }
        let id = try await server.enqueue(["type": "gated", "payload": 1], as: server.alice)
        _ = try await server.waitForJob(id) { ($0["progress"] as? [String: Any])?["stage"] as? String == "wait" }
        let cancelled = try await server.request("POST", "/api/jobs/\(id)/cancel", token: server.alice)
        #expect(cancelled.status == 200)
        #expect(steps(cancelled.json).map(\.status) == ["completed", "skipped", "skipped"])
    }
}
