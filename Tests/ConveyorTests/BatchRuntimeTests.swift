import Conveyor
import ConveyorDiagnostics
import Foundation
import Testing

@Suite("Runtime: batches")
struct BatchRuntimeTests {
    @Test("a batch built in Swift runs, and its onComplete reads the batch's counts in context.batch")
    func callbackSeesTheBatch() async throws {
        try await withRuntime(plugins: [DiagnosticsPlugin()]) { runtime in
            var batch = Batch(name: "letters")
            for index in 0..<5 { try batch.add(TallyHandler.self, [.number(Double(index))]) }
            try batch.add(FlakyHandler.self, FlakyHandler.Input(failTimes: 9, permanent: true))
            try batch.on(.onComplete, TallyHandler.self, [])
            try batch.on(.onFailure, NoopHandler.self, NoopHandler.Input())
            try batch.on(.onSuccess, NoopHandler.self, NoopHandler.Input())
            let started = try await runtime.enqueue(batch, owner: "alice")
            #expect(started.total == 6 && started.owner == "alice" && started.name == "letters")

            var finished = started
            for _ in 0..<200 where finished.status == .running {
                try await Task.sleep(for: .milliseconds(20))
                finished = try #require(try await runtime.batch(started.id))
            }
            #expect(finished.status == .finished && finished.completed == 5 && finished.failed == 1)
            let onComplete = try #require(finished.callbacks[.onComplete] ?? nil)
            #expect(finished.callbacks[.onFailure] != .some(nil) && finished.callbacks[.onSuccess] == .some(nil))
            let report = try await runtime.waitUntilFinished(onComplete)
            #expect(report.owner == "alice" && report.batch == BatchMembership(id: started.id, callback: .onComplete))
            let output = try JSONDecoder().decode(TallyHandler.Output.self, from: try #require(report.result))
            #expect(output.batch?.id == started.id.description && output.batch?.completed == 5 && output.batch?.failed == 1)
        }
    }

    @Test("bad batches are refused by place: a job, a callback, the name, the size")
    func refusals() async throws {
        try await withRuntime(plugins: [DiagnosticsPlugin()]) { runtime in
            var unknown = Batch()
            try unknown.add(type: "nope", payload: [String: Int]())
            await #expect { try await runtime.enqueue(unknown) } throws: { ($0 as? ConveyorError)?.message.hasPrefix("jobs[0]: Unknown job type") == true }
            var delayed = Batch()
            try delayed.on(.onComplete, NoopHandler.self, NoopHandler.Input(), options: EnqueueOptions(delay: .seconds(5)))
            await #expect { try await runtime.enqueue(delayed) } throws: { ($0 as? ConveyorError)?.message.hasPrefix("onComplete: a callback runs when it is due") == true }
            await #expect { try await runtime.enqueue(Batch(name: "")) } throws: { ($0 as? ConveyorError)?.message == "name: must be 1–255 bytes long" }
            var huge = Batch()
            for _ in 0...Batch.maxJobs { huge.add(JobRequest(type: "noop", payload: Data("{}".utf8))) }
            await #expect { try await runtime.enqueue(huge) } throws: { ($0 as? ConveyorError)?.message == "jobs: 100001 jobs is over the limit of 100000 in one batch" }
        }
    }
}
