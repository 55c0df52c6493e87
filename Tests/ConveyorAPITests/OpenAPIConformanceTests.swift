import Conveyor
@testable import ConveyorAPI
import Foundation
import Testing

/// The OpenAPI document is written by hand; these types are what the server sends and the CLI
/// reads. Each type's encoded samples are checked against its schema (every field sent is
/// documented, every required field is sent, types and enums agree, nested objects too), so
/// neither can drift from the other.
@Suite("ConveyorAPI: the wire types match openapi.json")
struct OpenAPIConformanceTests {
    nonisolated(unsafe) static let document: [String: Any] = {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/ConveyorServer/Resources/openapi.json")
        let data = (try? Data(contentsOf: file)) ?? Data()
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }()

    nonisolated(unsafe) static let schemas = (document["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:]

    static let now = Date(timeIntervalSince1970: 1_780_000_000.25)

    static func job(_ status: JobStatus) -> Job {
        Job(
            id: JobID.make(now: now), type: "sleep", queue: "default", status: status, priority: .high, payload: Data(#"{"ms":5}"#.utf8),
            result: status == .completed ? Data(#"{"slept":5}"#.utf8) : nil,
            error: status == .failed ? JobFailure(code: "timeout", message: "Timed out after 1s", isPermanent: false) : nil,
            attempts: status == .queued ? 0 : 1, maxAttempts: 3,
            progress: JobProgress(percent: status == .completed ? 100 : 40, stage: "run", message: "Slept 2 of 5 ms"),
            owner: status == .queued ? nil : "alice", dedupKey: status == .running ? "k1" : nil, timeout: .seconds(60),
            createdAt: now, scheduledAt: now, startedAt: status == .queued ? nil : now, finishedAt: status.isTerminal ? now : nil,
            sequence: 3)
    }

    static func encoded(_ value: some Encodable) throws -> Any {
        try JSONSerialization.jsonObject(with: APICoding.encoder.encode(value), options: [.fragmentsAllowed])
    }

    static func check(_ value: some Encodable, against schema: String) throws {
        let json = try encoded(value)
        let found = SchemaCheck(schemas: schemas).problems(json, ["$ref": "#/components/schemas/\(schema)"], at: schema)
        #expect(found.isEmpty, "\(found.joined(separator: "\n"))")
    }

    @Test("the document is there and names every schema checked below")
    func documentLoads() {
        for name in ["Job", "EnqueuedJob", "JobList", "JobRequest", "QueueStats", "QueueState", "MemoryStats", "Error", "Health",
            "JobProgressMessage", "JobFinishedMessage", "WebSocketError", "WebSocketSubscription", "Handler", "PayloadDescription", "WorkerList", "Worker", "JobRetryingMessage",
            "FlowProgressMessage", "BatchProgressMessage"] {
            #expect(Self.schemas[name] != nil, "no schema \(name)")
        }
    }

    @Test("the document's version is this release's")
    func version() {
        #expect((Self.document["info"] as? [String: Any])?["version"] as? String == ConveyorVersion.current)
    }

    @Test("jobs in every state, lists and enqueue answers", arguments: JobStatus.allCases)
    func jobs(_ status: JobStatus) throws {
        let job = Self.job(status)
        try Self.check(JobResource(job), against: "Job")
        try Self.check(JobResource(job, deduplicated: true), against: "EnqueuedJob")
        try Self.check(JobListResource(jobs: [JobResource(job)], nextCursor: nil), against: "JobList")
        try Self.check(JobListResource(jobs: [], nextCursor: job.id.description), against: "JobList")
    }

    @Test("a job read back is the job sent")
    func jobRoundTrip() throws {
        for status in JobStatus.allCases {
            let resource = JobResource(Self.job(status), deduplicated: status == .queued ? false : nil)
            let back = try APICoding.decoder.decode(JobResource.self, from: APICoding.encoder.encode(resource))
            #expect(back == resource)
        }
    }

    @Test("an enqueue request: every field the server reads is documented, and the client sends only what it set")
    func enqueueBody() throws {
        let full = EnqueueBody(
            type: "sleep", payload: .object(["ms": .integer(5)]), queue: "q", priority: .low, delay: DurationValue(.seconds(30)),
            runAt: Self.now, maxAttempts: 2, timeout: DurationValue(.milliseconds(250)), dedupKey: "k")
        try Self.check(full, against: "JobRequest")
        try Self.check(EnqueueBody(type: "noop"), against: "JobRequest")
        let documented = Set(((Self.schemas["JobRequest"] as? [String: Any])?["properties"] as? [String: Any] ?? [:]).keys)
        #expect(Set(EnqueueBody.CodingKeys.allCases.map(\.stringValue)) == documented)
        let back = try APICoding.decoder.decode(EnqueueBody.self, from: APICoding.encoder.encode(full))
        #expect(back.delay?.duration == .seconds(30) && back.timeout?.duration == .milliseconds(250) && back.maxAttempts == 2)
        #expect(try Self.encoded(EnqueueBody(type: "noop")) as? [String: String] == ["type": "noop"])
    }

    @Test("an unknown field is refused by name")
    func unknownField() {
        #expect {
            try APICoding.decoder.decode(EnqueueBody.self, from: Data(#"{"type":"noop","priorty":"high"}"#.utf8))
        } throws: { error in
            guard case DecodingError.dataCorrupted(let context) = error else { return false }
            return context.codingPath.last?.stringValue == "priorty" && context.debugDescription.contains("allowed: type, payload")
        }
    }

    @Test("queue stats, queue state, memory, errors and health")
    func statusShapes() throws {
        let memory = MemoryBudget().stats
        let stats = QueueStatsResource(
            stats: StoreStats(
                counts: [.queued: 2, .running: 1], oldestQueuedAt: Self.now, oldestRunningStartedAt: nil, finishedLastMinute: 4,
                byQueue: ["default": [.queued: 1, .running: 1], "media": [.queued: 1]]),
            paused: ["media"], workers: .init(active: 1, max: 4), memory: memory, now: Self.now.addingTimeInterval(3))
        try Self.check(stats, against: "QueueStats")
        #expect(stats.queues == ["default": ["queued": 1, "running": 1], "media": ["queued": 1]])
        try Self.check(QueueStateResource(queue: "media", paused: true), against: "QueueState")
        try Self.check(memory, against: "MemoryStats")
        try Self.check(APIErrorBody(code: "invalid_input", message: "priority: \"x\" is not one of high, normal, low"), against: "Error")
        try Self.check(HealthReport(checks: ["store": .init(status: .degraded, detail: "slow"), "memory": .init(status: .healthy, detail: "12%")]), against: "Health")
        let back = try APICoding.decoder.decode(QueueStatsResource.self, from: APICoding.encoder.encode(stats))
        #expect(back == stats)
    }

    @Test("WebSocket messages both ways")
    func webSocketMessages() throws {
        let job = Self.job(.failed)
        try Self.check(JobProgressMessage(JobProgressUpdate(jobID: job.id, type: job.type, progress: job.progress, sequence: 2, timestamp: Self.now)), against: "JobProgressMessage")
        try Self.check(JobFinishedMessage(JobStateChange(job)), against: "JobFinishedMessage")
        try Self.check(JobFinishedMessage(JobStateChange(Self.job(.completed))), against: "JobFinishedMessage")
        try Self.check(WebSocketErrorMessage(code: "bad_message", message: "topic: must be job, queue or memory"), against: "WebSocketError")
        try Self.check(WebSocketSubscription.subscribe(job: job.id.description), against: "WebSocketSubscription")
        try Self.check(WebSocketSubscription.subscribe(flow: job.id.description), against: "WebSocketSubscription")
        try Self.check(WebSocketSubscription.subscribe(batch: job.id.description), against: "WebSocketSubscription")
        let flow = try #require(FlowSnapshot(id: job.id, jobs: [Self.job(.completed)].map { var j = $0; j.flow = FlowMembership(id: job.id, key: "a", name: nil); return j }))
        try Self.check(FlowProgressMessage(flow), against: "FlowProgressMessage")
        #expect(FlowProgressMessage(flow).type == "flow:finished")
        let batch = BatchSnapshot(id: job.id, name: nil, owner: "alice", total: 2, counts: [.completed: 1], callbacks: [.onComplete: nil], createdAt: Self.now, finishedAt: nil)
        try Self.check(BatchProgressMessage(batch), against: "BatchProgressMessage")
        #expect(BatchProgressMessage(batch).type == "batch:progress" && BatchProgressMessage(batch).pending == 1)
        let finished = JobFinishedMessage(JobStateChange(job))
        #expect(try APICoding.decoder.decode(WebSocketMessageKind.self, from: APICoding.encoder.encode(finished)).type == "job:finished")
        #expect(try APICoding.decoder.decode(JobFinishedMessage.self, from: APICoding.encoder.encode(finished)) == finished)
    }

    @Test("the checker itself catches an undocumented field, a missing required one and a wrong type")
    func checkerCatches() {
        let check = SchemaCheck(schemas: Self.schemas)
        let ref: [String: Any] = ["$ref": "#/components/schemas/QueueState"]
        #expect(check.problems(["queue": "q", "paused": true, "extra": 1], ref, at: "x").contains { $0.contains("extra") })
        #expect(check.problems(["queue": "q"], ref, at: "x").contains { $0.contains("paused") })
        #expect(check.problems(["queue": 3, "paused": true], ref, at: "x").contains { $0.contains("queue") })
        #expect(check.problems(["queue": "q", "paused": true], ref, at: "x").isEmpty)
    }

    struct Greet: JobHandler {
        static let name = "greet"
        static let example: Input? = Input(name: "Ada", times: 2)
        struct Input: Codable, Sendable {
            var name: String
            var times: Int?
            var tags: [String]?
        }
        func run(_ input: Input, context: JobContext) async throws -> String { input.name }
    }

    @Test("GET /api/handlers entries: a handler with its payload, a pipeline, a type known but not run here")
    func handlers() throws {
        var registry = HandlerRegistry()
        registry.register(Greet())
        registry.register(Pipeline<String, Int>("count", example: "a b c") { Step<String, Int>("count") { text, _ in text.count } })
        registry.register(unavailable: "later", input: Greet.Input.self, example: Greet.example, stages: [.init(name: "one", weight: 1)], reason: "no token")
        #expect(registry.descriptions.count == 3)
        for description in registry.descriptions { try Self.check(description, against: "Handler") }
    }

    @Test("GET /api/workers: a busy worker of some queues, an idle one of every queue, a draining one")
    func workers() throws {
        let base = WorkerRecord(
            id: "node-1-42-7", host: "node-1", pid: 42, startedAt: Self.now, concurrency: 16, running: 3, processed: 120, queues: ["images"],
            draining: false, lastSeenAt: Self.now)
        var idle = base
        (idle.id, idle.running, idle.queues) = ("node-2-43-8", 0, nil)
        var draining = base
        (draining.id, draining.draining) = ("node-3-44-9", true)
        let list = WorkerListResource(workers: [base, idle, draining].map(WorkerResource.init))
        #expect(list.workers.map(\.status) == ["busy", "idle", "draining"])
        try Self.check(list, against: "WorkerList")
    }

    @Test("job:retrying for a retry and a run-again; none for other moves")
    func retrying() throws {
        let failure = JobFailure(code: "boom", message: "Boom", isPermanent: false)
        let retry = JobStateChange(
            jobID: JobID.make(now: Self.now), type: "flaky", queue: "default", status: .scheduled, attempt: 2, sequence: 5, error: failure,
            runAt: Self.now.addingTimeInterval(4), timestamp: Self.now)
        try Self.check(try #require(JobRetryingMessage(retry)), against: "JobRetryingMessage")
        var completed = retry
        (completed.status, completed.runAt) = (.completed, nil)
        #expect(JobRetryingMessage(completed) == nil)
    }
}
