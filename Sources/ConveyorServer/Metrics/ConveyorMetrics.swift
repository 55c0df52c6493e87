public import Conveyor
import CoreMetrics
import Foundation
import Metrics
import Prometheus
import Synchronization

/// What `/metrics` shows, on a Prometheus registry of its own (so one process can hold several
/// servers, as tests do). Job counters and durations are recorded by ``jobs``, the middleware to
/// give the runtime, in whichever process runs the job; HTTP by the server; store-wide gauges
/// (jobs by state, queue depth) and the memory budget are read at scrape time, so every node of
/// a shared PostgreSQL reports the same totals.
public final class ConveyorMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    /// Queues reported so far, so one that emptied reads 0.
    private let reported = Mutex<Set<String>>([])
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
        // Per queue; a queue whose jobs are all gone reads 0 rather than its last count.
        let queues = reported.withLock { reported in
            reported.formUnion(stats.byQueue.keys)
            return reported
        }
        for queue in queues.sorted() {
            let counts = stats.byQueue[queue] ?? [:]
            for status in JobStatus.allCases {
                Gauge(label: "conveyor_jobs", dimensions: [("queue", queue), ("state", status.rawValue)], factory: factory)
                    .record(counts[status, default: 0])
            }
            Gauge(label: "conveyor_queue_depth", dimensions: [("queue", queue)], factory: factory).record(counts[.queued, default: 0])
        }
        Gauge(label: "conveyor_oldest_queued_age_seconds", factory: factory).record(stats.oldestQueuedAt.map { max(0, Date().timeIntervalSince($0)) } ?? 0)
        for (status, count) in try await runtime.store.batchCounts() {
            Gauge(label: "conveyor_batches", dimensions: [("state", status.rawValue)], factory: factory).record(count)
        }
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
        return Self.withHelp(registry.emitToString())
    }

    /// What each metric means, as `# HELP` lines for Prometheus and people reading `/metrics`.
    static let help: [String: String] = [
        "conveyor_jobs": "Jobs in the store by queue and state, all processes together",
        "conveyor_batches": "Batches in the store: running (some jobs not ended) and finished",
        "conveyor_queue_depth": "Jobs ready to run (queued) by queue",
        "conveyor_oldest_queued_age_seconds": "How long the oldest ready job has waited",
        "conveyor_workers_active": "Jobs running now in every worker process sharing the store",
        "conveyor_workers_max": "Jobs the worker processes sharing the store may run at once",
        "conveyor_worker_processes": "Worker processes that reported in the last 20 s",
        "conveyor_jobs_enqueued_total": "Jobs this process enqueued, by type and queue",
        "conveyor_jobs_finished_total": "Attempts this process finished, by type, queue and outcome (completed, failed, cancelled, retried)",
        "conveyor_job_duration_seconds": "How long attempts ran in this process, by type and queue",
        "conveyor_memory_bytes": "This process's memory budget: current, peak, max and the per-job cap",
        "conveyor_memory_reservations": "Memory reservations held now",
        "conveyor_memory_waiters": "Jobs waiting for memory",
        "conveyor_http_requests_total": "HTTP requests by method, route and status",
        "conveyor_http_request_duration_seconds": "HTTP request durations by method and route",
    ]

    /// The exposition text with a `# HELP` line before each known metric's `# TYPE` line.
    static func withHelp(_ text: String) -> String {
        var lines: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("# TYPE "), let name = line.split(separator: " ").dropFirst(2).first, let help = help[String(name)] {
                lines.append("# HELP \(name) \(help)")
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
