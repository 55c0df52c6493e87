public import Conveyor
import CoreMetrics
import Foundation
import Metrics
import Prometheus

/// What `/metrics` shows, on a Prometheus registry of its own (so one process can hold several
/// servers, as tests do). Job counters and durations are recorded by ``jobs``, the middleware to
/// give the runtime, in whichever process runs the job; HTTP by the server; store-wide gauges
/// (jobs by state, queue depth) and the memory budget are read at scrape time, so every node of
/// a shared PostgreSQL reports the same totals.
public final class ConveyorMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let factory: PrometheusMetricsFactory
    /// The runtime's middleware recording job metrics here:
    /// `ConveyorRuntime(store:plugins:middleware: [metrics.jobs])`.
    public let jobs: JobMetrics

    public init() {
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
        jobs = JobMetrics(factory: factory)
    }

    var middleware: HTTPMetricsMiddleware { HTTPMetricsMiddleware(factory: factory) }

    /// Whether `runtime` records its jobs here.
    func isRecording(_ runtime: ConveyorRuntime) -> Bool {
        runtime.middleware.contains { ($0 as? JobMetrics) === jobs }
    }

    /// The Prometheus text: gauges refreshed from the store and the budget, then everything.
    func scrape(_ runtime: ConveyorRuntime) async throws -> String {
        let stats = try await runtime.store.stats(now: Date())
        for status in JobStatus.allCases {
            Gauge(label: "conveyor_jobs", dimensions: [("state", status.rawValue)], factory: factory).record(stats.count(status))
        }
        Gauge(label: "conveyor_queue_depth", factory: factory).record(stats.count(.queued))
        Gauge(label: "conveyor_oldest_queued_age_seconds", factory: factory).record(stats.oldestQueuedAt.map { max(0, Date().timeIntervalSince($0)) } ?? 0)
        // Every worker process sharing the store, not only this one (an API process may run none).
        let workers = try await runtime.liveWorkers()
        Gauge(label: "conveyor_workers_active", factory: factory).record(workers.reduce(0) { $0 + $1.running })
        Gauge(label: "conveyor_workers_max", factory: factory).record(workers.reduce(0) { $0 + $1.concurrency })
        Gauge(label: "conveyor_worker_processes", factory: factory).record(workers.count)
        let memory = runtime.memory.stats
        for (kind, value) in [("current", memory.current), ("peak", memory.peak), ("max", memory.max), ("per_job_cap", memory.perJobCap)] {
            Gauge(label: "conveyor_memory_bytes", dimensions: [("kind", kind)], factory: factory).record(value)
        }
        Gauge(label: "conveyor_memory_reservations", factory: factory).record(memory.activeReservations)
        Gauge(label: "conveyor_memory_waiters", factory: factory).record(memory.waiters)
        return registry.emitToString()
    }
}
