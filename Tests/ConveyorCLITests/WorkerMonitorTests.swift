import Conveyor
import ConveyorSQLite
import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `conveyor worker --metrics-port`: a worker without the API still shows Prometheus and the
/// probes what it does, through the same job middleware a server uses.
@Suite("conveyor worker: /metrics and /health")
struct WorkerMonitorTests {
    @Test("a worker serves /metrics with the jobs it ran, and /health/ready until it drains")
    func metricsPort() async throws {
        let directory = try TemporaryDirectory("conveyor-monitor")
        defer { try? FileManager.default.removeItem(at: directory.url) }
        let path = directory.path("jobs.db")
        let store = try SQLiteJobStore(path: path)
        let ids = try await store.enqueue(
            [NewJob(type: "noop", payload: Data("{}".utf8)), NewJob(type: "flaky", payload: Data(#"{"failTimes": 5, "permanent": true}"#.utf8))],
            limits: .none
        ).map(\.job.id)

        let worker = try ProductProcess(
            "conveyor", ["worker", "--store", "sqlite:\(path)", "--metrics-port", "0", "--metrics-host", "127.0.0.1"],
            environment: ["CONVEYOR_LOG_LEVEL": "info"])
        defer { worker.kill(SIGKILL) }
        var base: String?
        let deadline = ContinuousClock.now + .seconds(60)
        while base == nil, ContinuousClock.now < deadline, worker.process.isRunning {
            base = worker.outputSoFar.firstMatch(of: /address=(127\.0\.0\.1:\d+) .*Serving \/metrics and \/health/).map { "http://\($0.1)" }
            try await Task.sleep(for: .milliseconds(50))
        }
        guard let url = base else {
            worker.kill(SIGKILL)
            let output = try await worker.finish()
            Issue.record("the worker never said where it serves metrics (exit \(output.status)): \(output.stdout)\(output.stderr)")
            return
        }
        while try await ids.asyncMap({ try await store.job($0)?.status.isTerminal == true }).contains(false) {
            try await Task.sleep(for: .milliseconds(50))
        }

        let metrics = try await Self.get(url + "/metrics")
        #expect(metrics.status == 200)
        for line in [
            #"conveyor_jobs_finished_total{type="noop",queue="default",status="completed"} 1"#, #"conveyor_jobs_finished_total{type="flaky",queue="default",status="failed"} 1"#,
            #"conveyor_job_duration_seconds_count{type="noop",queue="default"} 1"#, #"conveyor_jobs{queue="default",state="completed"} 1"#, "conveyor_workers_max 16",
        ] {
            #expect(metrics.body.contains(line), "missing \(line)")
        }
        let ready = try await Self.get(url + "/health/ready")
        #expect(ready.status == 200 && ready.body.contains(#""worker""#))
        #expect(try await Self.get(url + "/health/live").status == 200)

        worker.kill(SIGTERM)
        #expect(try await worker.finish().status == 0)
        try await store.close()
    }

    static func get(_ url: String) async throws -> (status: Int, body: String) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }
}
