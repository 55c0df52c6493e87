import Foundation
import Testing
import TestSupport

/// `conveyor serve` and the client commands as real processes, configured as operators do.
@Suite("conveyor serve and the client commands")
struct ServeCommandTests {
    static func client(_ arguments: [String], _ running: ServeProcess) async throws -> ProductProcess.Output {
        try await client(arguments, url: running.url, token: running.token)
    }

    static func client(_ arguments: [String], url: String, token: String) async throws -> ProductProcess.Output {
        try await ProductProcess.run("conveyor", arguments, environment: ["CONVEYOR_URL": url, "CONVEYOR_TOKEN": token])
    }

    @Test func enqueueWaitShowsProgressAndExitsByOutcome() async throws {
        let running = try await ServeProcess.start()
        defer { running.process.kill(SIGKILL) }
        let ok = try await Self.client(["enqueue", "sleep", "--payload", #"{"ms":3000}"#, "--wait"], running)
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("Enqueued job"))
        #expect(ok.stderr.contains("% — Slept"), "a live progress bar, on stderr: \(ok.stderr)")
        #expect(!ok.stdout.contains("% — Slept"), "stdout stays pipeable: \(ok.stdout)")
        #expect(ok.stdout.contains("completed"))
        let failed = try await Self.client(["enqueue", "flaky", "--payload", #"{"failTimes":3,"permanent":true}"#, "--wait"], running)
        #expect(failed.status == 1)
        #expect(failed.stdout.contains("failed: Failing on purpose"), "\(failed.stdout)")
        let refused = try await Self.client(["enqueue", "nope"], running)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("Unknown job type 'nope'"), "\(refused.stderr)")
    }

    @Test func statusCancelRetryHealthAndDeadLetter() async throws {
        let running = try await ServeProcess.start()
        defer { running.process.kill(SIGKILL) }
        let enqueued = try await Self.client(["enqueue", "sleep", "--payload", #"{"ms":60000}"#], running)
        let id = try #require(enqueued.stdout.firstMatch(of: /[0-9a-f-]{36}/)).0
        let status = try await Self.client(["status", String(id)], running)
        #expect(status.status == 0)
        #expect(status.stdout.contains(#""type" : "sleep""#))
        let cancelled = try await Self.client(["cancel", String(id)], running)
        #expect(cancelled.stdout.contains(#""status" : "cancelled""#), "\(cancelled.stdout) \(cancelled.stderr)")
        let watch = try await Self.client(["status", String(id), "--watch"], running)
        #expect(watch.status == 1, "a cancelled job is not a success")
        let retried = try await Self.client(["retry", String(id)], running)
        #expect(retried.stdout.contains(#""attempts" : 0"#))
        let health = try await Self.client(["health"], running)
        #expect(health.status == 0)
        #expect(health.stdout.contains(#""status" : "healthy""#))
        let dlq = try await Self.client(["dlq", "list"], running)
        #expect(dlq.status == 0)
        #expect(dlq.stdout.contains(#""jobs" : ["#))
        let cleanup = try await Self.client(["dlq", "cleanup", "--older-than", "30d"], running)
        #expect(cleanup.stdout.contains(#""deleted" : 0"#))
        let memory = try await Self.client(["memory"], running)
        #expect(memory.stdout.contains(#""max" : 200000000"#))
        let stats = try await Self.client(["status"], running)
        #expect(stats.stdout.contains(#""workers""#))
    }

    @Test func sigtermDrainsAndExitsZero() async throws {
        let running = try await ServeProcess.start()
        let enqueued = try await Self.client(["enqueue", "sleep", "--payload", #"{"ms":8000}"#], running)
        let id = try #require(enqueued.stdout.firstMatch(of: /[0-9a-f-]{36}/)).0
        let (url, token, jobID) = (running.url, running.token, String(id))
        let watcher = Task { try await Self.client(["status", jobID, "--watch"], url: url, token: token) }
        let deadline = ContinuousClock.now + .seconds(20)
        while try await !Self.client(["status", jobID], running).stdout.contains(#""status" : "running""#), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        running.process.kill(SIGTERM)
        try await Task.sleep(for: .milliseconds(200))
        let refused = try await Self.client(["enqueue", "noop"], running)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("shutting_down"), "new jobs get 503 while the running one drains: \(refused.stderr)")
        let output = try await running.process.finish()
        #expect(output.status == 0, "\(output.stderr)")
        let watched = try await watcher.value
        #expect(watched.status == 0, "the running job drained to completion: \(watched.stdout) \(watched.stderr)")
    }

    @Test func tokensAndBadSettings() async throws {
        let secret = "cli-secret-0123456789abcdef-0123456789"
        let token = try await ProductProcess.run("conveyor", ["token", "--user", "carol", "--ttl", "1h"], environment: ["CONVEYOR_JWT_SECRET": secret])
        #expect(token.status == 0)
        #expect(token.stdout.split(separator: ".").count == 3)
        let noSecret = try await ProductProcess.run("conveyor", ["token", "--user", "carol"], environment: ["CONVEYOR_JWT_SECRET": ""].filter { !$0.value.isEmpty })
        #expect(noSecret.status == 2)
        #expect(noSecret.stderr.contains("CONVEYOR_JWT_SECRET: is not set"))

        let bad = try await ProductProcess.run(
            "conveyor", ["serve", "--store", "memory:", "--port", "70000"],
            environment: ["CONVEYOR_WORKERS": "0", "CONVEYOR_LEASE": "soon", "CONVEYOR_JWT_SECRET": "short"])
        #expect(bad.status == 2)
        for line in ["--port: 70000 is out of range 0…65535", "CONVEYOR_LEASE: 'soon' is not a duration", "CONVEYOR_JWT_SECRET: must be at least 32 bytes", "1…1024"] {
            #expect(bad.stderr.contains(line), "\(line) in \(bad.stderr)")
        }
        #expect(!bad.stderr.contains("short"), "the secret's value is never printed")
    }

    @Test func configFileSitsBelowEnvironmentAndFlags() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("conveyor-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("conveyor.yaml")
        try "conveyor:\n  workers: 3\n  maxQueueSize: 1\n  jwtSecret: file-secret-0123456789abcdef-0123456789\n".write(to: file, atomically: true, encoding: .utf8)
        let token = try await ProductProcess.run(
            "conveyor", ["token", "--user", "ops", "--admin", "--config", file.path], environment: ["CONVEYOR_JWT_SECRET": ""].filter { !$0.value.isEmpty }
        ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.split(separator: ".").count == 3, "the file's secret signs tokens")
        let running = try await ServeProcess.start(
            ["--config", file.path, "--workers", "5"], environment: ["CONVEYOR_MAX_QUEUE_SIZE": "2"], token: token)
        defer { running.process.kill(SIGKILL) }
        #expect(!running.process.printedSoFar.contains("Admin token"), "a configured secret prints no token")
        let stats = try await Self.client(["status"], running)
        #expect(stats.status == 0, "the file's secret verifies tokens: \(stats.stderr)")
        // The workers start beside the HTTP listener: wait for them to count.
        try await waitUntil("the server's 5 workers count", limit: .seconds(30)) {
            try await Self.client(["status"], running).stdout.contains(#""max" : 5"#)
        }
        // Paused, so the jobs stay queued and count against the queue's size.
        #expect(try await Self.client(["pause", "default"], running).status == 0)
        #expect(try await Self.client(["enqueue", "noop"], running).status == 0)
        #expect(try await Self.client(["enqueue", "noop"], running).status == 0)
        let full = try await Self.client(["enqueue", "noop"], running)
        #expect(full.stderr.contains("queue_full"), "the environment's 2 beats the file's 1: \(full.stderr)")
    }

    @Test("a bad setting is named where it was written: the flag, the environment variable, or the file and its key")
    func problemsNameTheirSource() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("conveyor-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("conveyor.yaml")
        try "conveyor:\n  lease: soon\n  maxBodySize: 12\ntelegram:\n  maxUpload: lots\n".write(to: file, atomically: true, encoding: .utf8)
        let bad = try await ProductProcess.run(
            "conveyor", ["serve", "--store", "memory:", "--config", file.path, "--workers", "0"],
            environment: ["CONVEYOR_DRAIN_TIMEOUT": "2h", "CONVEYOR_JWT_SECRET": "pg-serve-secret-0123456789abcdef-0123456789"])
        #expect(bad.status == 2)
        for line in [
            "--workers: 0 is out of range 1…1024", "CONVEYOR_DRAIN_TIMEOUT: 2h is out of range 0s…1h",
            "\(file.path): conveyor.lease: 'soon' is not a duration", "\(file.path): conveyor.maxBodySize: 12 is out of range",
            "\(file.path): telegram.maxUpload: 'lots' is not a size",
        ] {
            #expect(bad.stderr.contains(line), "\(line) in \(bad.stderr)")
        }
        #expect(!bad.stderr.contains("Usage:"), "settings problems are the whole message: \(bad.stderr)")

        let broken = directory.appendingPathComponent("broken.json")
        try #"{"conveyor": {"workers": 3,}"#.write(to: broken, atomically: true, encoding: .utf8)
        let unreadable = try await ProductProcess.run("conveyor", ["serve", "--store", "memory:", "--config", broken.path])
        #expect(unreadable.status == 2)
        #expect(unreadable.stderr.hasPrefix("Error: config file \(broken.path): not valid JSON"), "\(unreadable.stderr)")
        #expect(!unreadable.stderr.contains("NSCocoaErrorDomain") && !unreadable.stderr.contains("Usage:"), "\(unreadable.stderr)")
    }
}
