import Conveyor
import ConveyorDiagnostics
import Foundation
import Logging

/// `conveyor bench --pipeline`: what recording each stage costs. The same number of jobs is
/// processed as plain no-op jobs, then as a pipeline of three no-op stages with `Codable`
/// outputs — each of which a durable store records as it finishes.
struct PipelineBench {
    let store: any JobStore
    let jobs: Int
    let workers: Int
    let logger: Logger

    static let pipeline = Pipeline<NoopHandler.Input, Int>("bench-pipeline") {
        Step<NoopHandler.Input, Int>("first") { _, _ in 1 }
        Step<Int, Int>("second") { value, _ in value + 1 }
        Step<Int, Int>("third") { value, _ in value + 1 }
    }

    private struct Plugin: ConveyorPlugin {
        let name = "bench-pipeline"
        func register(into registry: inout HandlerRegistry) { registry.register(PipelineBench.pipeline) }
    }

    func measure(store name: String) async throws -> PipelineBenchReport {
        let plain = try await seconds(type: NoopHandler.name)
        let staged = try await seconds(type: Self.pipeline.name)
        return PipelineBenchReport(
            store: name, jobs: jobs, workers: workers, plainPerSec: Int(Double(jobs) / plain), pipelinePerSec: Int(Double(jobs) / staged),
            pipelineRatio: (plain / staged * 100).rounded() / 100)
    }

    /// Enqueues `jobs` of `type` with the workers stopped, then times them from start until all completed.
    private func seconds(type: String) async throws -> Double {
        let runtime = try ConveyorRuntime(
            store: store, plugins: [DiagnosticsPlugin(), Plugin()],
            configuration: RuntimeConfiguration(concurrency: workers, claimBatchSize: max(workers, 256), pollInterval: .milliseconds(50)),
            logger: logger)
        let before = try await store.stats(now: Date()).count(.completed)
        try await BenchRun.enqueue(jobs, of: type, into: runtime)
        return try await BenchRun.seconds(until: jobs, moreComplete: runtime, before: before)
    }
}

/// What `conveyor bench --pipeline` prints.
struct PipelineBenchReport: Encodable {
    var store: String
    var jobs: Int
    var workers: Int
    /// No-op jobs processed per second.
    var plainPerSec: Int
    /// Three-stage pipeline jobs processed per second, every stage recorded.
    var pipelinePerSec: Int
    /// pipelinePerSec / plainPerSec.
    var pipelineRatio: Double

    var table: String {
        """
        store            \(store)
        jobs             \(jobs)
        workers          \(workers)
        plain/s          \(plainPerSec)
        pipeline/s       \(pipelinePerSec) (\(Int(pipelineRatio * 100))% of plain)
        """
    }
}
