import Conveyor
import CoreMetrics
import Foundation
import Hummingbird
import Metrics
import Prometheus
import ServiceLifecycle
import Synchronization

/// `/metrics`: swift-metrics objects on a Prometheus registry of this server's own (so tests
/// can run several servers in one process). Counters and histograms follow this process's job
/// events and HTTP requests; store-wide gauges (jobs by state, queue depth) and the memory
/// budget are read at scrape time, so every node of a shared PostgreSQL reports the same totals.
final class ServerMetrics: Service, Sendable {
    let registry = PrometheusCollectorRegistry()
    let factory: PrometheusMetricsFactory
    private let runtime: ConveyorRuntime
    private let events: AsyncStream<JobEvent>
    private let started = Mutex<[JobID: ContinuousClock.Instant]>([:])

    init(runtime: ConveyorRuntime) {
        self.runtime = runtime
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["conveyor_job_duration_seconds"] = [
            .milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5), .seconds(15),
            .seconds(60), .seconds(300), .seconds(900), .seconds(3600),
        ]
        factory.durationHistogramBuckets["conveyor_http_request_duration_seconds"] = [
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(100), .milliseconds(500), .seconds(2),
        ]
        self.factory = factory
        events = runtime.events()
    }

    var middleware: HTTPMetricsMiddleware { HTTPMetricsMiddleware(factory: factory) }

    /// Follows job events until shutdown.
    func run() async throws {
        await cancelWhenGracefulShutdown {
            for await event in self.events { self.record(event) }
        }
    }

    private func record(_ event: JobEvent) {
        guard case .stateChanged(let change) = event else { return }
        let type = change.type
        switch change.status {
        case .running:
            started.withLock { $0[change.jobID] = .now }
        case .completed, .failed, .cancelled, .queued, .scheduled:
            let start = started.withLock { $0.removeValue(forKey: change.jobID) }
            if change.status == .queued || change.status == .scheduled, start == nil {
                Counter(label: "conveyor_jobs_enqueued_total", dimensions: [("type", type)], factory: factory).increment()
                return
            }
            let outcome = change.status == .queued || change.status == .scheduled ? "retried" : change.status.rawValue
            Counter(label: "conveyor_jobs_finished_total", dimensions: [("type", type), ("status", outcome)], factory: factory).increment()
            if let start {
                Timer(label: "conveyor_job_duration_seconds", dimensions: [("type", type)], factory: factory).recordNanoseconds((ContinuousClock.now - start).nanoseconds)
            }
        case .waiting:
            break
        }
    }

    /// The Prometheus text: gauges refreshed from the store and the budget, then everything.
    func scrape() async throws -> String {
        let stats = try await runtime.store.stats(now: Date())
        for status in JobStatus.allCases {
            Gauge(label: "conveyor_jobs", dimensions: [("state", status.rawValue)], factory: factory).record(stats.count(status))
        }
        Gauge(label: "conveyor_queue_depth", factory: factory).record(stats.count(.queued))
        Gauge(label: "conveyor_oldest_queued_age_seconds", factory: factory).record(stats.oldestQueuedAt.map { max(0, Date().timeIntervalSince($0)) } ?? 0)
        Gauge(label: "conveyor_workers_active", factory: factory).record(runtime.activeJobCount)
        Gauge(label: "conveyor_workers_max", factory: factory).record(runtime.configuration.concurrency)
        let memory = runtime.memory.stats
        for (kind, value) in [("current", memory.current), ("peak", memory.peak), ("max", memory.max), ("per_job_cap", memory.perJobCap)] {
            Gauge(label: "conveyor_memory_bytes", dimensions: [("kind", kind)], factory: factory).record(value)
        }
        Gauge(label: "conveyor_memory_reservations", factory: factory).record(memory.activeReservations)
        Gauge(label: "conveyor_memory_waiters", factory: factory).record(memory.waiters)
        return registry.emitToString()
    }
}

extension Duration {
    /// Whole nanoseconds, for swift-metrics timers.
    var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}
