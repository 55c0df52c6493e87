import Conveyor
import ConveyorDiagnostics
import Foundation
import Testing

@Suite("Bad input")
struct BadInputTests {
    func error(_ body: () async throws -> Void) async -> ConveyorError? {
        do { try await body() } catch let error as ConveyorError { return error } catch { Issue.record("unexpected \(error)") }
        return nil
    }

    @Test("an unknown type is refused with the list of known ones")
    func unknownType() async throws {
        try await withRuntime { runtime in
            let refused = await error { try await runtime.enqueue(JobRequest(type: "nope", payload: payload("{}"))) }
            #expect(refused?.code == .unknownJobType)
            #expect(refused?.message == "Unknown job type 'nope'. Known types: flaky, noop, sleep, tally.")
        }
    }

    @Test("a payload that does not decode names the field; nothing is stored")
    func invalidPayload() async throws {
        try await withRuntime { runtime in
            let wrongType = await error { try await runtime.enqueue(JobRequest(type: "sleep", payload: payload(#"{"ms":"soon"}"#))) }
            #expect(wrongType?.code == .invalidPayload)
            #expect(wrongType?.message.hasPrefix("Invalid payload for 'sleep': payload.ms: expected Int") == true)
            let missing = await error { try await runtime.enqueue(JobRequest(type: "sleep", payload: payload("{}"))) }
            #expect(missing?.message == "Invalid payload for 'sleep': payload.ms: required field is missing")
            let notJSON = await error { try await runtime.enqueue(JobRequest(type: "sleep", payload: payload("{ms"))) }
            #expect(notJSON?.code == .invalidPayload)
            let batch = await error {
                try await runtime.enqueue([JobRequest(type: "noop", payload: payload("{}")), JobRequest(type: "sleep", payload: payload("[]"))])
            }
            #expect(batch?.message.hasPrefix("jobs[1]: ") == true)
            let total = try await runtime.store.stats(now: Date()).total
            #expect(total == 0)
        }
    }

    @Test("options out of range are refused naming the option")
    func options() async throws {
        try await withRuntime { runtime in
            let cases: [(EnqueueOptions, String)] = [
                (EnqueueOptions(maxAttempts: 0), "maxAttempts: 0 is out of range 1…100"),
                (EnqueueOptions(queue: "no spaces"), "queue: 'no spaces' must be 1–64 letters, digits, '.', '_' or '-'"),
                (EnqueueOptions(timeout: .zero), "timeout: 0ms is out of range 1ms…7d"),
                (EnqueueOptions(delay: .seconds(1), runAt: Date()), "delay and runAt: give one or the other, not both"),
                (EnqueueOptions(dedupKey: ""), "dedupKey: must be 1–255 bytes long"),
            ]
            for (options, message) in cases {
                let refused = await error { try await runtime.enqueue(JobRequest(type: "noop", payload: payload("{}"), options: options)) }
                #expect(refused?.code == .invalidInput)
                #expect(refused?.message == message)
            }
        }
    }

    @Test("zero workers and absurd limits are refused at start, one line each")
    func configuration() throws {
        var configuration = RuntimeConfiguration(concurrency: 0)
        configuration.memory = MemoryLimits(maxTotal: 10, maxPerJob: 20, warningThreshold: 150)
        configuration.leaseDuration = .milliseconds(5)
        do {
            _ = try ConveyorRuntime(store: MemoryJobStore(), plugins: [DiagnosticsPlugin()], configuration: configuration)
            Issue.record("expected a configuration error")
        } catch let error as ConveyorError {
            #expect(error.code == .invalidConfiguration)
            let lines = error.message.split(separator: "\n").map(String.init)
            #expect(lines.contains("workers: 0 is out of range 1…1024"))
            #expect(lines.contains("lease: 5ms is out of range 1s…1h"))
            #expect(lines.contains("maxMemoryPerJob: 20 B must not exceed maxTotalMemory (10 B)"))
            #expect(lines.contains("memoryWarningThreshold: 150.0 must be within 1…100"))
        }
    }

    @Test("a handler registered twice is refused")
    func duplicates() {
        #expect(throws: ConveyorError.self) {
            try ConveyorRuntime(store: MemoryJobStore(), plugins: [DiagnosticsPlugin(), DiagnosticsPlugin()])
        }
    }
}

/// A type that tries one reading and then another, as chat ids do (a number, else a name).
private struct NumberOrName: Codable, Sendable {
    var value: String
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) { value = String(number) } else { value = try container.decode(String.self) }
    }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

private struct Addressed: JobHandler {
    struct Input: Codable, Sendable {
        var to: NumberOrName
        var note: String?
    }
    static let name = "addressed"
    func run(_ input: Input, context: JobContext) async throws -> String { input.to.value }
}

private struct AddressedPlugin: ConveyorPlugin {
    let name = "addressed"
    func register(into registry: inout HandlerRegistry) { registry.register(Addressed()) }
}

@Suite("payload fields")
struct PayloadFieldTests {
    @Test("a field the input never reads is refused by name; types that try several readings are followed")
    func unknownFields() async throws {
        let runtime = try ConveyorRuntime(store: MemoryJobStore(), plugins: [AddressedPlugin()])
        _ = try await runtime.enqueue(JobRequest(type: "addressed", payload: Data(#"{"to": "@channel", "note": "hi"}"#.utf8)))
        _ = try await runtime.enqueue(JobRequest(type: "addressed", payload: Data(#"{"to": 42}"#.utf8)))
        do {
            _ = try await runtime.enqueue(JobRequest(type: "addressed", payload: Data(#"{"to": "@channel", "ntoe": "hi"}"#.utf8)))
            Issue.record("a misspelt field was accepted")
        } catch let error as ConveyorError {
            #expect(error.code == .invalidPayload)
            #expect(error.message == "Invalid payload for 'addressed': payload.ntoe: is not a known field (known: to, note)", "\(error.message)")
        }
    }
}
