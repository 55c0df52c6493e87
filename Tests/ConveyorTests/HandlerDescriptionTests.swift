import Conveyor
import Foundation
import Testing

/// What a registry tells about its types (`GET /api/handlers`), and a type a process knows but
/// cannot run.
@Suite("Handler descriptions")
struct HandlerDescriptionTests {
    struct Resize: JobHandler {
        static let name = "resize"
        static let example: Input? = Input(url: "https://example.com/a.png", width: 320)
        struct Input: Codable, Sendable {
            var url: String
            var width: Int
            var format: String?
            var crop: Bool?
        }
        func run(_ input: Input, context: JobContext) async throws -> Int { input.width }
    }

    struct Anything: JobHandler {
        static let name = "anything"
        func run(_ input: [String: String], context: JobContext) async throws -> Int { input.count }
    }

    struct Plugin: ConveyorPlugin {
        let name = "test"
        func register(into registry: inout HandlerRegistry) {
            registry.register(Resize())
            registry.register(Anything())
            registry.register(unavailable: "later", input: Resize.Input.self, example: Resize.example, reason: "no token is set (TOKEN)")
        }
    }

    @Test("payload fields are read off the input type, required or optional, typed by the example")
    func payloadFields() throws {
        let registry = HandlerRegistry(plugins: [Plugin()])
        let resize = try #require(registry.descriptions.first { $0.name == "resize" })
        #expect(resize.payload.fields == [
            .init(name: "url", required: true, type: "string"), .init(name: "width", required: true, type: "number"),
            .init(name: "format", required: false, type: nil), .init(name: "crop", required: false, type: nil),
        ])
        #expect(resize.payload.example == .object(["url": .string("https://example.com/a.png"), "width": .integer(320)]))
        #expect(resize.unavailable == nil)
        let anything = try #require(registry.descriptions.first { $0.name == "anything" })
        #expect(anything.payload.fields.isEmpty && anything.payload.example == nil, "a dictionary reads whatever it is given")
    }

    @Test("a type known but not run here is accepted and validated; a worker leaves it without spending an attempt")
    func unavailableType() async throws {
        try await withRuntime(plugins: [Plugin()]) { runtime in
            let refused = await #expect(throws: ConveyorError.self) {
                try await runtime.enqueue(JobRequest(type: "later", payload: payload(#"{"url":"x"}"#)))
            }
            #expect(refused?.code == .invalidPayload)
            let events = runtime.events()
            let job = try await runtime.enqueue(JobRequest(type: "later", payload: payload(#"{"url":"x","width":2}"#))).job
            var told: JobStateChange?
            for await case .stateChanged(let change) in events where change.jobID == job.id && change.status == .scheduled {
                told = change
                break
            }
            #expect(told?.error?.message == "This worker cannot run 'later': no token is set (TOKEN); it runs again on a worker that can")
            let left = try #require(try await runtime.store.job(job.id))
            #expect(left.status == .scheduled)
            #expect(left.attempts == 0, "no attempt spent")
            #expect(left.scheduledAt.timeIntervalSinceNow > 20)
        }
    }
}
