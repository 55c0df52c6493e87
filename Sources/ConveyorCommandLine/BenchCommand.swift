import ArgumentParser
import Conveyor
import ConveyorDiagnostics
import ConveyorPostgres
import ConveyorStores
import Foundation
import Logging

/// `conveyor bench`: enqueues N no-op jobs, burns them down, then measures end-to-end latency.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure enqueue and processing throughput and latency with no-op jobs.",
        discussion: """
            Three phases: enqueue --jobs no-op jobs in batches of 1000 (enqueuePerSec); start the \
            workers and time until every job completed (processPerSec); then run 500 jobs one at \
            a time, each timed from the enqueue call to its completion event (latencyMs). On \
            PostgreSQL a fourth phase enqueues 500 jobs one at a time through a second connection \
            pool, as another machine would, and times each until a worker starts it: the worker \
            hears of it only through LISTEN/NOTIFY (notifyStartMs). With --flow instead: the same \
            --jobs processed plain, then as one batch with an onComplete callback (batchPerSec, \
            batchRatio), then a chain of 1000 jobs, each hop timed from a job's finish to the \
            start of the next (chainHopMs). With --pipeline: the same --jobs processed plain, then \
            as a pipeline of three no-op stages, each recorded as it finishes (pipelinePerSec, \
            pipelineRatio).
            """)

    @OptionGroup var storeOptions: StoreOptions
    @Option(help: "No-op jobs to enqueue and process.") var jobs = 100_000
    @Option(help: "Concurrent jobs (1…1024).") var workers = 64
    @Flag(help: "Measure batches and chains against plain jobs instead.") var flow = false
    @Flag(help: "Measure three-stage pipelines, every stage recorded, against plain jobs instead.") var pipeline = false
    @Flag(help: "Print one JSON object instead of a table.") var json = false

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs: \(jobs) must be at least 1") }
        guard (1...1024).contains(workers) else { throw ValidationError("--workers: \(workers) is out of range 1…1024") }
        guard !(flow && pipeline) else { throw ValidationError("--flow and --pipeline: choose one") }
    }

    func run() async throws {
        var logger = Logger(label: "conveyor.bench")
        logger.logLevel = .warning
        let url = StoreOptions.url(in: try await storeOptions.settings())
        if flow {
            let report = try await StoreOptions.withStore(url) { store in
                try await FlowBench(store: store, jobs: jobs, workers: workers, logger: logger).measure(store: StoreOptions.safeDescription(url))
            }
            try print(report, table: report.table)
        } else if pipeline {
            let report = try await StoreOptions.withStore(url) { store in
                try await PipelineBench(store: store, jobs: jobs, workers: workers, logger: logger).measure(store: StoreOptions.safeDescription(url))
            }
            try print(report, table: report.table)
        } else {
            let report = try await StoreOptions.withStore(url) { store in try await measure(store, url: url, logger: logger) }
            try print(report, table: report.table)
        }
    }

    private func print(_ report: some Encodable, table: String) throws {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            Printing.line(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            Printing.line(table)
        }
    }

    private func measure(_ store: any JobStore, url: String, logger: Logger) async throws -> BenchReport {
        let runtime = try ConveyorRuntime(
            store: store, plugins: [DiagnosticsPlugin()],
            configuration: RuntimeConfiguration(concurrency: workers, claimBatchSize: max(workers, 256), pollInterval: .milliseconds(50)),
            logger: logger)
        let before = try await store.stats(now: Date()).count(.completed)

        let enqueueStart = ContinuousClock.now
        try await BenchRun.enqueue(jobs, of: NoopHandler.name, into: runtime)
        let enqueueSeconds = (ContinuousClock.now - enqueueStart).seconds

        let processStart = ContinuousClock.now
        let (processSeconds, latencies, notifyLatencies) = try await runtime.withRunning {
            while try await store.stats(now: Date()).count(.completed) - before < jobs {
                try await Task.sleep(for: .milliseconds(100))
            }
            let processSeconds = (ContinuousClock.now - processStart).seconds

            var latencies: [Double] = []
            for _ in 0..<500 {
                let events = runtime.events()
                let start = ContinuousClock.now
                let job = try await runtime.enqueue(NoopHandler.self, .init()).job
                for await event in events {
                    if case .stateChanged(let change) = event, change.jobID == job.id, change.status == .completed { break }
                }
                latencies.append((ContinuousClock.now - start).seconds * 1000)
            }
            latencies.sort()
            var notifyLatencies: [Double]?
            if store is PostgresJobStore {
                notifyLatencies = try await StoreLocation(url).withStore { other in
                    try await startLatencies(enqueuingThrough: other, runningOn: runtime)
                }
            }
            return (processSeconds, latencies, notifyLatencies)
        }

        return BenchReport(
            store: StoreOptions.safeDescription(url), jobs: jobs, workers: workers,
            enqueuePerSec: Int(Double(jobs) / enqueueSeconds), processPerSec: Int(Double(jobs) / processSeconds),
            latencyMs: .init(p50: Self.percentile(latencies, 0.50), p99: Self.percentile(latencies, 0.99)),
            notifyStartMs: notifyLatencies.map { .init(p50: Self.percentile($0, 0.50), p99: Self.percentile($0, 0.99)) })
    }

    /// Enqueue through `other` (its own connections), until `runtime` reports the job running.
    private func startLatencies(enqueuingThrough other: any JobStore, runningOn runtime: ConveyorRuntime) async throws -> [Double] {
        var latencies: [Double] = []
        for _ in 0..<500 {
            let events = runtime.events()
            let start = ContinuousClock.now
            let job = NewJob(type: NoopHandler.name, payload: Data("{}".utf8))
            _ = try await other.enqueue([job], limits: .none)
            for await event in events {
                if case .stateChanged(let change) = event, change.jobID == job.id, change.status == .running { break }
            }
            latencies.append((ContinuousClock.now - start).seconds * 1000)
        }
        return latencies.sorted()
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let value = sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
        return (value * 1000).rounded() / 1000
    }
}

struct BenchReport: Encodable {
    struct Latency: Encodable {
        var p50: Double
        var p99: Double
    }

    var store: String
    var jobs: Int
    var workers: Int
    var enqueuePerSec: Int
    var processPerSec: Int
    var latencyMs: Latency
    /// Enqueued by another connection pool, until a worker started it (PostgreSQL only).
    var notifyStartMs: Latency?

    var table: String {
        """
        store            \(store)
        jobs             \(jobs)
        workers          \(workers)
        enqueue/s        \(enqueuePerSec)
        processed/s      \(processPerSec)
        latency p50      \(latencyMs.p50) ms
        latency p99      \(latencyMs.p99) ms
        """ + (notifyStartMs.map { "\nNOTIFY→start p50 \($0.p50) ms\nNOTIFY→start p99 \($0.p99) ms" } ?? "")
    }
}
