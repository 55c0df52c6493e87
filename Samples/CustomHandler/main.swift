// The front door: define a handler and a two-stage pipeline, register them, run them.
import Conveyor
import Foundation

// 1. A handler: a named job type with typed input and output.
struct Greet: JobHandler {
    static let name = "greet"
    struct Input: Codable, Sendable { var name: String }

    func run(_ input: Input, context: JobContext) async throws -> String {
        "Hello, \(input.name)!"
    }
}

// 2. A pipeline: stages whose types the compiler checks, with weighted progress.
let wordCount = Pipeline<String, Int>("word-count") {
    Step<String, [Substring]>("split", weight: 1) { text, context in
        context.progress(1, "Split the text")
        return text.split(separator: " ")
    }
    Step<[Substring], Int>("count", weight: 3) { words, context in
        for (index, _) in words.enumerated() {
            try await Task.sleep(for: .milliseconds(100))
            context.progress(Double(index + 1) / Double(words.count), "Counted \(index + 1) of \(words.count)")
        }
        return words.count
    }
}

// 3. A plugin registers both; the runtime starts from plugins.
struct SamplePlugin: ConveyorPlugin {
    let name = "sample"
    func register(into registry: inout HandlerRegistry) {
        registry.register(Greet())
        registry.register(wordCount)
    }
}

let runtime = try ConveyorRuntime(store: MemoryJobStore(), plugins: [SamplePlugin()])
let events = Task {
    for await case .progress(let update) in runtime.events() {
        print("  \(update.progress.stage ?? "-") \(Int(update.progress.percent))% \(update.progress.message ?? "")")
    }
}

// 4. Workers run for the length of the block, then drain.
try await runtime.withRunning {
    let greeting = try await runtime.enqueue(Greet.self, .init(name: "Conveyor")).job
    let counting = try await runtime.enqueue(wordCount, "jobs staged in a pipeline").job
    for id in [greeting.id, counting.id] {
        let job = try await runtime.waitUntilFinished(id)
        print("\(job.type): \(job.status.rawValue) → \(String(decoding: job.result ?? Data(), as: UTF8.self))")
    }
}
events.cancel()
