// The front door: the sample plugin (SamplePlugin/: a handler and a two-stage pipeline) run in
// this process. Server/ is the same plugin inside your own `conveyor serve`.
import Conveyor
import Foundation
import SamplePlugin

let runtime = try ConveyorRuntime(store: MemoryJobStore(), plugins: [SamplePlugin()])
let events = Task {
    for await case .progress(let update) in runtime.events() {
        print("  \(update.progress.stage ?? "-") \(Int(update.progress.percent))% \(update.progress.message ?? "")")
    }
}

// Workers run for the length of the block, then drain.
try await runtime.withRunning {
    let greeting = try await runtime.enqueue(Greet.self, .init(name: "Conveyor")).job
    let counting = try await runtime.enqueue(wordCount, "jobs staged in a pipeline").job
    for id in [greeting.id, counting.id] {
        let job = try await runtime.waitUntilFinished(id)
        print("\(job.type): \(job.status.rawValue) → \(String(decoding: job.result ?? Data(), as: UTF8.self))")
    }
}
events.cancel()
