import Conveyor
import ConveyorTesting
import Foundation
import Testing

/// A stage that reports `steps` progress calls, as a download would.
struct Counting<Value: Sendable>: Stage {
    let name: String
    let weight: Double
    let steps: Int
    func run(_ input: Value, context: JobContext) async throws -> Value {
        for step in 1...steps { context.progress(Double(step) / Double(steps), "\(name) \(step)/\(steps)") }
        return input
    }
}

@Suite("Pipelines")
struct PipelineTests {
    // Int → String → [Character] → Int: each stage's input is the previous output, checked by the compiler.
    let pipeline = Pipeline<Int, Int>("typed") {
        Step<Int, String>("format", weight: 1) { number, _ in String(number) }
        Step<String, [Character]>("split", weight: 1) { text, _ in Array(text) }
        Counting<[Character]>(name: "count", weight: 2, steps: 4)
        Step<[Character], Int>("measure", weight: 0) { characters, _ in characters.count }
    }

    @Test("stages compose by type and run in order")
    func composition() async throws {
        let run = await HandlerTester().run(pipeline, 12345)
        #expect(try run.output() == 5)
        #expect(pipeline.stages.map(\.name) == ["format", "split", "count", "measure"])
        #expect(pipeline.stages.map(\.weight) == [1, 1, 2, 0])
    }

    @Test("progress is the weighted sum of stages, never goes back, and names the stage")
    func weightedProgress() async throws {
        let run = await HandlerTester().run(pipeline, 7)
        let percents = run.progress.map(\.percent)
        #expect(percents == percents.sorted(), "progress went backwards: \(percents)")
        #expect(run.progress.first?.stage == "format")
        // "count" spans 50…100 % (weight 2 of 4): its steps land at 62.5, 75, 87.5, 100.
        let count = run.progress.filter { $0.stage == "count" }.map(\.percent)
        #expect(count == [50, 62.5, 75, 87.5, 100])
        #expect(run.progress.last?.percent == 100)
        #expect(run.progress.contains { $0.message == "count 2/4" })
    }

    @Test("a stage reporting less than before does not move overall progress back")
    func monotonic() async throws {
        let wobbly = Pipeline<Int, Int>("wobbly") {
            Step<Int, Int>("one") { value, context in
                context.progress(0.8)
                context.progress(0.3)
                return value
            }
        }
        let run = await HandlerTester().run(wobbly, 1)
        #expect(run.progress.map(\.percent) == [0, 80, 80])
    }

    @Test("a registered pipeline runs as a job and describes its stages")
    func registered() async throws {
        struct Plugin: ConveyorPlugin {
            let name = "typed"
            let pipeline: Pipeline<Int, Int>
            func register(into registry: inout HandlerRegistry) { registry.register(pipeline) }
        }
        try await withRuntime(plugins: [Plugin(pipeline: pipeline)]) { runtime in
            let description = try #require(runtime.registry.descriptions.first)
            #expect(description.kind == "pipeline" && description.plugin == "typed" && description.stages.count == 4)
            let log = EventLog(runtime)
            let job = try await runtime.enqueue(pipeline, 987_654).job
            let done = try await runtime.waitUntilFinished(job.id)
            #expect(done.status == .completed && done.result == Data("6".utf8))
            try await eventually("progress events") { !log.progress(of: job.id).isEmpty }
            #expect(log.progress(of: job.id).allSatisfy { $0.stage != nil })
        }
    }
}
