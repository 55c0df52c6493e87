import Conveyor
import ConveyorDiagnostics
import Foundation
import Logging
import ServiceLifecycle
import Testing

@Suite("Service lifecycle and event throttling")
struct ServiceLifecycleTests {
    /// How a drain is started: by the runtime's own `shutdown()`, or by a ServiceGroup (SIGTERM).
    enum Trigger: String, CaseIterable, Sendable { case shutdown, serviceGroup }

    @Test("graceful drain: short jobs finish, long ones are re-queued without spending attempts", arguments: Trigger.allCases)
    func gracefulShutdown(trigger: Trigger) async throws {
        var logger = Logger(label: "conveyor.tests")
        logger.logLevel = .critical
        let store = MemoryJobStore()
        var configuration = RuntimeConfiguration(concurrency: 4, pollInterval: .milliseconds(20))
        // Long enough for the 100 ms job to finish on a loaded CI machine (4 s once was not,
        // with the server's process tests beside it); the 60 s one cannot.
        configuration.drainTimeout = .seconds(8)
        let runtime = try ConveyorRuntime(store: store, plugins: [DiagnosticsPlugin()], configuration: configuration, logger: logger)
        let group = ServiceGroup(services: [runtime], logger: logger)
        let running = Task {
            switch trigger {
            case .shutdown: try await runtime.run()
            case .serviceGroup: try await group.run()
            }
        }
        let short = try await runtime.enqueue(JobRequest(type: "sleep", payload: payload(#"{"ms":100}"#))).job
        let long = try await runtime.enqueue(JobRequest(type: "sleep", payload: payload(#"{"ms":60000}"#))).job
        try await eventually("both running") { runtime.activeJobCount == 2 }
        switch trigger {
        case .shutdown:
            runtime.shutdown()
            #expect(runtime.isDraining)
        case .serviceGroup:
            await group.triggerGracefulShutdown()
        }
        try await running.value
        #expect(try await store.job(short.id)?.status == .completed)
        let requeued = try #require(try await store.job(long.id))
        #expect(requeued.status == .queued && requeued.attempts == 0)
    }

    @Test("progress events are throttled to at most 10 per second per job")
    func throttled() async throws {
        struct Chatty: JobHandler {
            static let name = "chatty"
            struct Output: Codable { var calls: Int; var seconds: Double }
            func run(_ input: [String: Int], context: JobContext) async throws -> Output {
                let clock = ContinuousClock()
                let start = clock.now
                var calls = 0
                while clock.now < start + .milliseconds(500) || calls < 50 {
                    calls += 1
                    context.progress(Double(calls % 1000) / 1000, "call \(calls)")
                    try await Task.sleep(for: .microseconds(200))
                }
                return Output(calls: calls, seconds: (clock.now - start).seconds)
            }
        }
        struct Plugin: ConveyorPlugin {
            let name = "chatty"
            func register(into registry: inout HandlerRegistry) { registry.register(Chatty()) }
        }
        try await withRuntime(plugins: [Plugin()]) { runtime in
            let log = EventLog(runtime)
            let job = try await runtime.enqueue(Chatty.self, [:]).job
            let done = try await runtime.waitUntilFinished(job.id)
            let output = try JSONDecoder().decode(Chatty.Output.self, from: done.result ?? Data())
            let events = log.progress(of: job.id)
            // At 10 per second: one event per started 100 ms, plus the first one.
            let allowed = Int(output.seconds * 10) + 2
            #expect((1...allowed).contains(events.count), "\(events.count) events for \(output.calls) reports in \(output.seconds) s")
            #expect(events.count < output.calls)
            #expect(events.map(\.percent) == events.map(\.percent).sorted())
        }
    }
}
