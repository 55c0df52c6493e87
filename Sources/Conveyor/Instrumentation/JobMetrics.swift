public import CoreMetrics

/// The job metrics of DESIGN §5, recorded through swift-metrics by whichever process runs the
/// job: `conveyor_jobs_enqueued_total{type,queue}`, `conveyor_jobs_finished_total{type,queue,status}`
/// (status `completed`, `failed`, `cancelled` or `retried`) and `conveyor_job_duration_seconds{type,queue}`.
public final class JobMetrics: JobMiddleware {
    private let factory: any MetricsFactory

    /// `factory`: where the metrics go — a Prometheus registry of the process's own, say; by
    /// default whatever `MetricsSystem` was bootstrapped with.
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
    }

    public func enqueued(_ job: Job) {
        Counter(label: "conveyor_jobs_enqueued_total", dimensions: [("type", job.type), ("queue", job.queue)], factory: factory).increment()
    }

    public func ended(_ job: Job, as status: JobStatus, error: JobFailure?, duration: Duration) {
        let outcome = status == .queued || status == .scheduled ? "retried" : status.rawValue
        Counter(label: "conveyor_jobs_finished_total", dimensions: [("type", job.type), ("queue", job.queue), ("status", outcome)], factory: factory).increment()
        Timer(label: "conveyor_job_duration_seconds", dimensions: [("type", job.type), ("queue", job.queue)], factory: factory)
            .recordNanoseconds(duration.nanoseconds)
    }
}
