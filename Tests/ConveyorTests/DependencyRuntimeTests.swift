import Conveyor
import ConveyorDiagnostics
import Foundation
import Testing

@Suite("Runtime: jobs that wait for jobs")
struct DependencyRuntimeTests {
    struct Fetch: JobHandler {
        static let name = "fetch"
        func run(_ input: Int, context: JobContext) async throws -> Int { input * 10 }
    }

    struct Render: JobHandler {
        static let name = "render"
        struct Output: Codable, Sendable { var fetched: Int; var seen: [String] }
        func run(_ input: [String: Int], context: JobContext) async throws -> Output {
            Output(
                fetched: try context.result(of: Fetch.self),
                seen: context.dependencies.map { "\($0.type):\($0.status.rawValue):\($0.error?.code.rawValue ?? "-")" })
        }
    }

    struct Plugin: ConveyorPlugin {
        let name = "flow-test"
        func register(into registry: inout HandlerRegistry) {
            registry.register(Fetch())
            registry.register(Render())
        }
    }

    @Test("a dependent starts after its dependencies finished and reads their results, typed")
    func readsResults() async throws {
        try await withRuntime(plugins: [Plugin(), DiagnosticsPlugin()]) { runtime in
            let fetch = try await runtime.enqueue(Fetch.self, 4).job
            let slow = try await runtime.enqueue(JobRequest(type: "sleep", payload: Data(#"{"ms":200}"#.utf8))).job
            let render = try await runtime.enqueue(Render.self, [:], options: EnqueueOptions(dependsOn: [fetch.id, slow.id])).job
            #expect(render.status == .waiting)
            let done = try await runtime.waitUntilFinished(render.id)
            #expect(done.status == .completed)
            let output = try JSONDecoder().decode(Render.Output.self, from: try #require(done.result))
            #expect(output.fetched == 40 && output.seen == ["fetch:completed:-", "sleep:completed:-"])
            let slept = try #require(try await runtime.store.job(slow.id))
            #expect(try #require(done.startedAt) >= (try #require(slept.finishedAt)))
        }
    }

    @Test("a dependent that runs anyway sees the failure; result(of:) names what is missing")
    func runsAnyway() async throws {
        try await withRuntime(plugins: [Plugin(), DiagnosticsPlugin()]) { runtime in
            let broken = try await runtime.enqueue(JobRequest(type: "flaky", payload: Data(#"{"failTimes":9,"permanent":true}"#.utf8))).job
            let anyway = try await runtime.enqueue(Render.self, [:], options: EnqueueOptions(dependsOn: [broken.id], onDependencyFailure: .run)).job
            let cancelled = try await runtime.enqueue(Render.self, [:], options: EnqueueOptions(dependsOn: [broken.id])).job
            let ran = try await runtime.waitUntilFinished(anyway.id)
            #expect(ran.status == .failed && ran.error?.code == "dependency_missing")
            #expect(ran.error?.message == "No completed dependency of type 'fetch' (this job waited for: flaky (failed))")
            let gaveUp = try await runtime.waitUntilFinished(cancelled.id)
            #expect(gaveUp.status == .cancelled && gaveUp.error?.code == .dependencyFailed && gaveUp.attempts == 0)
        }
    }

    @Test("more than 1000 dependencies are refused by name")
    func tooMany() async throws {
        try await withRuntime(plugins: [Plugin()]) { runtime in
            let ids = (0..<1001).map { _ in JobID.make() }
            await #expect(throws: ConveyorError(.invalidInput, "dependsOn: 1001 jobs is over the limit of 1000")) {
                try await runtime.enqueue(Render.self, [:], options: EnqueueOptions(dependsOn: ids))
            }
        }
    }
}
