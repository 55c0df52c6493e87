import Conveyor
import ConveyorServer
import ConveyorSQLite
import Foundation
import Testing

@Suite("Health, metrics, OpenAPI, dashboard, rate limits")
struct SystemRoutesTests {
    @Test func healthReflectsTheStore() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("conveyor-health-\(UUID().uuidString).db").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try SQLiteJobStore(path: path)
        let server = try await TestServer.start(store: store, runWorkers: false)
        defer { Task { try? await server.stop() } }
        let healthy = try await server.request("GET", "/health")
        #expect(healthy.status == 200)
        #expect(healthy.json["status"] as? String == "healthy")
        #expect(((healthy.json["checks"] as? [String: Any])?["store"] as? [String: Any])?["status"] as? String == "healthy")
        #expect(try await server.request("GET", "/health/ready").status == 200)

        try await store.close()
        let closed = try await server.request("GET", "/health")
        #expect(closed.status == 503)
        #expect(closed.json["status"] as? String == "unhealthy")
        #expect(((closed.json["checks"] as? [String: Any])?["store"] as? [String: Any])?["status"] as? String == "unhealthy")
        #expect(try await server.request("GET", "/health/ready").status == 503)
        #expect(try await server.request("GET", "/health/live").status == 200)
    }

    @Test func metricsCoverJobsQueuesMemoryAndHTTP() async throws {
        let server = try await TestServer.start()
        defer { Task { try? await server.stop() } }
        let id = try await server.enqueue(["type": "noop"], as: server.alice)
        _ = try await server.waitForJob(id) { $0["status"] as? String == "completed" }
        _ = try await server.request("POST", "/api/batches", token: server.alice, body: ["jobs": [[String: Any]]()])
        let answer = try await server.request("GET", "/metrics")
        #expect(answer.status == 200)
        #expect(answer.headers["content-type"]?.hasPrefix("text/plain") == true)
        let text = String(decoding: answer.data, as: UTF8.self)
        for line in [
            #"conveyor_jobs{queue="default",state="completed"} 1"#, #"conveyor_jobs_finished_total{type="noop",queue="default",status="completed"} 1"#,
            #"conveyor_job_duration_seconds_count{type="noop",queue="default"} 1"#, #"conveyor_queue_depth{queue="default"} 0"#, #"conveyor_memory_bytes{kind="max"} 200000000"#,
            #"conveyor_http_requests_total{method="POST",route="/api/jobs",status="201"} 1"#, "conveyor_workers_max 4", #"conveyor_batches{state="finished"} 1"#, #"conveyor_batches{state="running"} 0"#, "# HELP conveyor_jobs Jobs in the store by queue and state",
        ] {
            #expect(text.contains(line), "\(line)")
        }
        #expect(!text.contains(TestServer.secret))
    }

    @Test func openAPIDocumentAndDashboardAreServed() async throws {
        let server = try await TestServer.start(runWorkers: false)
        defer { Task { try? await server.stop() } }
        let document = try await server.request("GET", "/openapi.json")
        #expect(document.status == 200)
        #expect(document.json["openapi"] as? String == "3.1.0")
        let paths = try #require(document.json["paths"] as? [String: Any])
        for path in [
            "/api/jobs", "/api/jobs/batch", "/api/jobs/{id}", "/api/jobs/{id}/cancel", "/api/jobs/{id}/retry", "/api/queues/stats",
            "/api/queues/{queue}/pause", "/api/queues/{queue}/resume", "/api/dead-letter", "/api/dead-letter/{id}/retry",
            "/api/dead-letter/cleanup", "/api/memory", "/api/handlers", "/health", "/health/live", "/health/ready", "/metrics", "/ws", "/",
            "/openapi.json",
        ] {
            #expect(paths[path] != nil, "\(path) is documented")
        }
        let page = try await server.request("GET", "/")
        #expect(page.status == 200)
        #expect(page.headers["content-type"]?.hasPrefix("text/html") == true)
        #expect(String(decoding: page.data, as: UTF8.self).contains("/ws"))
    }

    @Test func rateLimitedUsersGet429WithRetryAfter() async throws {
        let server = try await TestServer.start(server: ServerConfiguration(port: 0, rateLimitPerSecond: 1), runWorkers: false)
        defer { Task { try? await server.stop() } }
        var answers: [TestServer.Answer] = []
        // A burst of 2 passes; the bucket refills at 1 a second, so 20 quick requests must meet a 429.
        for _ in 0..<20 {
            answers.append(try await server.request("GET", "/api/memory", token: server.alice))
            if answers.last?.status == 429 { break }
        }
        #expect(answers.prefix(2).allSatisfy { $0.status == 200 }, "a burst of twice the rate passes")
        let limited = try #require(answers.last)
        #expect(limited.status == 429)
        #expect(limited.errorCode == "rate_limited")
        #expect(Int(limited.headers["retry-after"] ?? "") ?? 0 >= 1)
        #expect(try await server.request("GET", "/api/memory", token: server.bob).status == 200, "each user has their own bucket")
    }

    @Test func badServerSettingsAreListed() async throws {
        let configuration = ServerConfiguration(host: "", port: 70_000, maxBodySize: 10)
        #expect(configuration.problems.count == 3)
        #expect(configuration.problems.contains("port: 70000 is out of range 0…65535"))
    }
}
