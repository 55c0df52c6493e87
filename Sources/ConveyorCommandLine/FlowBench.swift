import Conveyor
import ConveyorDiagnostics
import Foundation
import Logging

/// `conveyor bench --flow`: the cost of orchestration next to plain jobs on the same store. The
/// same number of no-op jobs is processed plain, then as one batch with an onComplete callback
/// (finished when the callback completed); then a chain of 1000 no-op jobs runs, and each hop —
/// from a job's finish to the start of the one waiting on it — is read off the stored timestamps.
struct FlowBench {
    let store: any JobStore
    let jobs: Int
    let workers: Int
    let logger: Logger

    func measure(store name: String) async throws -> FlowBenchReport {
        var runtime = try self.runtime()
        var before = try await store.stats(now: Date()).count(.completed)
        try await BenchRun.enqueue(jobs, of: NoopHandler.name, into: runtime)
        let plain = try await BenchRun.seconds(until: jobs, moreComplete: runtime, before: before)

        runtime = try self.runtime()
        before = try await store.stats(now: Date()).count(.completed)
        var batch = Batch(name: "bench")
        for _ in 0..<jobs { try batch.add(NoopHandler.self, .init()) }
        try batch.on(.onComplete, NoopHandler.self, .init())
        _ = try await runtime.enqueue(batch)
        // The jobs and then the callback completed: read off the store's counters, as cheap as
        // the plain run's check (reading the batch would count its jobs each time).
        let batched = try await BenchRun.seconds(until: jobs + 1, moreComplete: runtime, before: before)
        let hops = try await chainHops(length: 1000)
        return FlowBenchReport(
            store: name, jobs: jobs, workers: workers, plainPerSec: Int(Double(jobs) / plain), batchPerSec: Int(Double(jobs) / batched),
            batchRatio: (plain / batched * 100).rounded() / 100,
            chainHopMs: .init(p50: BenchCommand.percentile(hops, 0.5), p99: BenchCommand.percentile(hops, 0.99)))
    }

    private func runtime() throws -> ConveyorRuntime {
        try ConveyorRuntime(
            store: store, plugins: [DiagnosticsPlugin()],
            configuration: RuntimeConfiguration(concurrency: workers, claimBatchSize: max(workers, 256), pollInterval: .milliseconds(50)),
            logger: logger)
    }

    /// Runs a chain of `length` no-op jobs and returns each hop, sorted, in milliseconds.
    private func chainHops(length: Int) async throws -> [Double] {
        let runtime = try runtime()
        return try await runtime.withRunning {
            var flow = Flow(name: "bench-chain")
            var step = try flow.add(NoopHandler.self, .init())
            for _ in 1..<length { step = try flow.add(NoopHandler.self, .init(), after: step) }
            let id = try await runtime.enqueue(flow).id
            var chain: [Job] = []
            while true {
                guard let snapshot = try await runtime.flow(id) else { throw ConveyorError(.notFound, "The bench chain \(id) is gone from the store") }
                if snapshot.status != .running { chain = snapshot.jobs; break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let byID = Dictionary(uniqueKeysWithValues: chain.map { ($0.id, $0) })
            return chain.compactMap { job -> Double? in
                guard let before = job.dependsOn.first.flatMap({ byID[$0] }), let finished = before.finishedAt, let started = job.startedAt else { return nil }
                return started.timeIntervalSince(finished) * 1000
            }.sorted()
        }
    }
}

/// What `conveyor bench --flow` prints.
struct FlowBenchReport: Encodable {
    var store: String
    var jobs: Int
    var workers: Int
    /// The jobs processed as plain jobs, per second.
    var plainPerSec: Int
    /// The same number processed as one batch with an onComplete callback, per second.
    var batchPerSec: Int
    /// batchPerSec / plainPerSec.
    var batchRatio: Double
    /// Dependency finished → dependent started, over a chain of 1000.
    var chainHopMs: BenchReport.Latency

    var table: String {
        """
        store            \(store)
        jobs             \(jobs)
        workers          \(workers)
        plain/s          \(plainPerSec)
        batch/s          \(batchPerSec) (\(Int(batchRatio * 100))% of plain)
        chain hop p50    \(chainHopMs.p50) ms
        chain hop p99    \(chainHopMs.p99) ms
        """
    }
}
