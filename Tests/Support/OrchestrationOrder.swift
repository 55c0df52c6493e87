public import Conveyor
import Foundation
import Testing

/// Flows run by whoever works the store — two `conveyor worker` processes, or a runtime in this
/// process for the memory store: a diamond and a fan-in of 500 run in dependency order (each
/// job starts only after every one of its dependencies finished), and a failing dependency
/// cancels everything below it while a job that runs anyway runs once it failed.
public enum OrchestrationOrder {
    /// The three flows, enqueued into a store.
    public struct Flows: Sendable {
        let diamond = JobID.make()
        let fanIn = JobID.make()
        let failing = JobID.make()
        var all: [JobID] { [diamond, fanIn, failing] }
    }

    /// Enqueues the flows; whoever runs the store's jobs may already be running.
    public static func enqueue(into store: any JobStore) async throws -> Flows {
        let flows = Flows()
        func node(_ flow: JobID, _ key: String, _ type: String, _ payload: String, after: [NewJob] = [], policy: DependencyFailurePolicy = .cancel) -> NewJob {
            var job = NewJob(type: type, payload: Data(payload.utf8), maxAttempts: 5)
            job.flow = FlowMembership(id: flow, key: key, name: nil)
            job.dependsOn = after.map(\.id)
            job.onDependencyFailure = policy
            return job
        }
        let top = node(flows.diamond, "top", "sleep", #"{"ms":200}"#)
        let left = node(flows.diamond, "left", "sleep", #"{"ms":50}"#, after: [top])
        let right = node(flows.diamond, "right", "sleep", #"{"ms":300}"#, after: [top])
        let bottom = node(flows.diamond, "bottom", "noop", "{}", after: [left, right])
        // Enqueued bottom first: the order of the list must not matter.
        _ = try await store.enqueue([bottom, right, left, top].reversed(), limits: .none)

        // Long enough in all (about 1.5 s on one process) for the other to poll and take part.
        let sources = (0..<500).map { node(flows.fanIn, "source-\($0)", "sleep", #"{"ms":\#(20 + $0 % 7)}"#) }
        _ = try await store.enqueue(sources + [node(flows.fanIn, "join", "noop", "{}", after: sources)], limits: .none)

        let broken = node(flows.failing, "broken", "flaky", #"{"failTimes":9,"permanent":true}"#)
        let below = node(flows.failing, "below", "noop", "{}", after: [broken])
        let further = node(flows.failing, "further", "noop", "{}", after: [below])
        let anyway = node(flows.failing, "anyway", "noop", "{}", after: [broken], policy: .run)
        _ = try await store.enqueue([broken, below, further, anyway], limits: .none)
        return flows
    }

    /// Waits until every job of the flows ended (none left waiting), then checks how each ended and when it started.
    public static func check(_ flows: Flows, in store: any JobStore) async throws {
        try await waitUntil("every job of the three flows ended", limit: .seconds(90)) {
            for flow in flows.all where try await store.jobs(matching: JobFilter(flowID: flow, limit: 1_000)).jobs.contains(where: { !$0.status.isTerminal }) {
                return false
            }
            return true
        }
        var byID: [JobID: Job] = [:]
        var byKey: [String: Job] = [:]
        for flow in flows.all {
            for job in try await store.jobs(matching: JobFilter(flowID: flow, limit: 1_000)).jobs {
                byID[job.id] = job
                byKey[job.flow?.key ?? ""] = job
            }
        }
        #expect(byID.count == 4 + 501 + 4)
        for job in byID.values where job.status == .completed || job.status == .failed {
            let started = try #require(job.startedAt, "\(job.flow?.key ?? "") ran, so it started")
            for dependency in job.dependsOn {
                let finished = try #require(byID[dependency]?.finishedAt)
                #expect(started >= finished, "\(job.flow?.key ?? "") started before its dependency \(byID[dependency]?.flow?.key ?? "") finished")
            }
        }
        for key in ["top", "left", "right", "bottom", "join"] + (0..<500).map({ "source-\($0)" }) {
            #expect(byKey[key]?.status == .completed, "\(key): \(byKey[key]?.status.rawValue ?? "missing")")
        }
        #expect(byKey["broken"]?.status == .failed)
        #expect(byKey["below"]?.status == .cancelled && byKey["further"]?.status == .cancelled, "a failure cancels what waits on it, all the way down")
        #expect(byKey["anyway"]?.status == .completed, "onDependencyFailure run: it runs once its dependency failed")
        for flow in flows.all {
            #expect(try await store.jobs(matching: JobFilter(status: .waiting, flowID: flow, limit: 10)).jobs.isEmpty)
        }
    }

    /// The flows run by two `conveyor worker` processes on the store at `storeURL`.
    public static func runWithWorkers(_ store: any JobStore, storeURL: String) async throws {
        let arguments = ["worker", "--store", storeURL, "--workers", "8"]
        let environment = ["CONVEYOR_LOG_LEVEL": "warning"]
        let workers = try [ProductProcess("conveyor", arguments, environment: environment), ProductProcess("conveyor", arguments, environment: environment)]
        // Both running before the work arrives: a loaded machine may start one much later, after the other did it all.
        if let directory = store as? any WorkerDirectory {
            try await waitUntil("both worker processes report to the store", limit: .seconds(60)) {
                try await directory.workers(seenSince: Date().addingTimeInterval(-60)).count >= 2
            }
        }
        let flows = try await enqueue(into: store)
        try await check(flows, in: store)
        // Both processes took part: the fan-in's sources ran on each.
        let sources = try await store.jobs(matching: JobFilter(flowID: flows.fanIn, limit: 1_000)).jobs
        let processes = Set(sources.compactMap { $0.failedAttempts.isEmpty ? $0.worker.map { String($0.split(separator: "-").dropLast().last ?? "") } : nil })
        #expect(processes.count == 2, "the work was shared by both processes: \(processes)")
        for worker in workers {
            worker.kill(SIGTERM)
            #expect(try await worker.finish().status == 0)
        }
    }
}
