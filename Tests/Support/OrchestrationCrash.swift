public import Conveyor
import Foundation
import Testing

/// Flows and batches when the worker running them is killed with SIGKILL, on any store a
/// `conveyor worker` can open (`storeURL`): every node of a six-step chain ends in order and
/// every batch callback due is enqueued exactly once, after a second worker takes over.
public enum OrchestrationCrash {
    public static func run(_ store: any JobStore, storeURL: String) async throws {
        let noop = Data("{}".utf8)
        // A chain of six steps, each waiting for the one before; enqueued first, so it runs beside the batch.
        let flowID = JobID.make()
        var chain: [NewJob] = []
        for step in 0..<6 {
            var job = NewJob.sleeps(1, ms: 600)[0]
            job.flow = FlowMembership(id: flowID, key: "step-\(step + 1)", name: "crash")
            if let previous = chain.last { job.dependsOn = [previous.id] }
            chain.append(job)
        }
        _ = try await store.enqueue(chain, limits: .none)

        let batch = NewBatch(
            name: "crash", jobs: NewJob.sleeps(200, ms: 200),
            callbacks: [.onComplete: NewJob(type: "noop", payload: noop), .onSuccess: NewJob(type: "noop", payload: noop), .onFailure: NewJob(type: "noop", payload: noop)])
        _ = try await store.enqueue(batch, limits: .none)
        let environment = ["CONVEYOR_LEASE": "2s", "CONVEYOR_LOG_LEVEL": "warning"]
        let worker = ["worker", "--store", storeURL, "--workers", "8"]
        let first = try ProductProcess("conveyor", worker, environment: environment)
        try await waitUntil("the flow and the batch are under way") {
            let flow = try await store.jobs(matching: JobFilter(flowID: flowID, limit: 10)).jobs
            let done = try await store.batch(batch.id)
            return flow.contains { $0.status == .completed } && (done?.completed ?? 0) >= 10 && (done?.pending ?? 0) >= 40
        }
        first.kill(SIGKILL)
        #expect(try await first.finish().status == SIGKILL)
        #expect(try await store.stats(now: Date()).count(.running) > 0, "the crash interrupted running jobs")

        let second = try ProductProcess("conveyor", worker, environment: environment)
        try await waitUntil("the batch finished and the flow ended") {
            let flow = try await store.jobs(matching: JobFilter(flowID: flowID, limit: 10)).jobs
            return try await store.batch(batch.id)?.status == .finished && flow.allSatisfy { $0.status.isTerminal }
        }
        // Callbacks enqueued at the end may still be running: let them finish too.
        try await waitUntil("the callbacks ran") {
            let callbacks = try await store.jobs(matching: JobFilter(batchID: batch.id, limit: 1_000)).jobs.filter { $0.batch?.callback != nil }
            return !callbacks.isEmpty && callbacks.allSatisfy { $0.status == .completed }
        }
        second.kill(SIGTERM)
        #expect(try await second.finish().status == 0)

        let finished = try #require(try await store.batch(batch.id))
        #expect(finished.completed == 200 && finished.pending == 0)
        let callbacks = try await store.jobs(matching: JobFilter(batchID: batch.id, limit: 1_000)).jobs.compactMap(\.batch?.callback)
        #expect(callbacks.sorted { $0.rawValue < $1.rawValue } == [.onComplete, .onSuccess], "each callback once; no failure, so no onFailure")
        let flow = try await store.jobs(matching: JobFilter(flowID: flowID, limit: 10)).jobs.sorted { ($0.flow?.key ?? "") < ($1.flow?.key ?? "") }
        #expect(flow.count == 6 && flow.allSatisfy { $0.status == .completed })
        for (before, after) in zip(flow, flow.dropFirst()) {
            #expect(try #require(after.startedAt) >= (try #require(before.finishedAt)), "\(after.flow?.key ?? "") started before \(before.flow?.key ?? "") ended")
        }
    }
}
