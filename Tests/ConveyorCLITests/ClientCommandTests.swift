import Foundation
import TestSupport
import Testing

/// The client commands as a script and an operator use them, against a real `conveyor serve`.
@Suite("conveyor: client commands for scripts and operators")
struct ClientCommandTests {
    static func conveyor(_ arguments: [String], _ server: ServeProcess) async throws -> ProductProcess.Output {
        try await ProductProcess.run("conveyor", arguments, environment: ["CONVEYOR_URL": server.url, "CONVEYOR_TOKEN": server.token])
    }

    @Test("jobs lists by status, type and queue; -q prints ids alone; --json the page as sent")
    func jobsList() async throws {
        let server = try await ServeProcess.start()
        defer { server.process.kill(SIGKILL) }
        var completed: [String] = []
        for _ in 0..<3 {
            let run = try await Self.conveyor(["enqueue", "sleep", "--payload", #"{"ms":1}"#, "--wait", "-q"], server)
            #expect(run.status == 0 && run.stderr.isEmpty, "\(run.stderr)")
            let lines = run.stdout.split(separator: "\n")
            #expect(lines.count == 1, "-q prints the id alone: \(run.stdout)")
            completed += lines.map(String.init)
        }
        let failing = try await Self.conveyor(["enqueue", "flaky", "--payload", #"{"failTimes":9,"permanent":true}"#, "--wait"], server)
        #expect(failing.status == 1)

        let ids = try await Self.conveyor(["jobs", "--status", "completed", "-q"], server)
        #expect(Set(ids.stdout.split(separator: "\n").map(String.init)) == Set(completed))
        let flaky = try await Self.conveyor(["jobs", "--type", "flaky"], server)
        let row = try #require(flaky.stdout.split(separator: "\n").first).split(separator: "\t", omittingEmptySubsequences: false)
        #expect(row.count == 8 && row[1] == "flaky" && row[3] == "failed" && row[4] == "1/5", "\(flaky.stdout)")
        #expect(row[7].contains("Failing on purpose"))
        let page = try await Self.conveyor(["jobs", "--queue", "default", "--json"], server)
        let jobs = try #require(try JSONSerialization.jsonObject(with: Data(page.stdout.utf8)) as? [String: Any])["jobs"] as? [Any]
        #expect(jobs?.count == 4)
        let bad = try await Self.conveyor(["jobs", "--status", "done"], server)
        #expect(bad.status == 2 && bad.stderr.contains("--status: 'done' is not one of"))
    }

    @Test("pause keeps a queue's jobs waiting; resume lets them run")
    func pauseAndResume() async throws {
        let server = try await ServeProcess.start()
        defer { server.process.kill(SIGKILL) }
        let paused = try await Self.conveyor(["pause", "default"], server)
        #expect(paused.status == 0 && paused.stdout == "Queue default paused\n", "\(paused.stdout) \(paused.stderr)")
        let id = try await Self.conveyor(["enqueue", "sleep", "--payload", #"{"ms":1}"#, "-q"], server).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try await Task.sleep(for: .milliseconds(600))
        #expect(try await Self.conveyor(["status", id, "-q"], server).stdout == "queued\n")
        let resumed = try await Self.conveyor(["resume", "default", "--json"], server)
        #expect(resumed.stdout.contains(#""paused" : false"#), "\(resumed.stdout)")
        let watched = try await Self.conveyor(["status", id, "--watch", "-q"], server)
        #expect(watched.status == 0 && watched.stdout.isEmpty)
    }

    @Test("Ctrl-C while waiting exits 130 and says the job goes on")
    func interrupted() async throws {
        let server = try await ServeProcess.start()
        defer { server.process.kill(SIGKILL) }
        let waiting = try ProductProcess(
            "conveyor", ["enqueue", "sleep", "--payload", #"{"ms":60000}"#, "--wait"], environment: ["CONVEYOR_URL": server.url, "CONVEYOR_TOKEN": server.token])
        try await waitUntil("the job is enqueued", limit: .seconds(60)) { waiting.outputSoFar.contains("%") }
        waiting.kill(SIGINT)
        let output = try await waiting.finish()
        #expect(output.status == 130)
        #expect(output.stderr.contains("Interrupted; job ") && output.stderr.contains("goes on"), "\(output.stderr)")
    }

    @Test("--wait shows each failed attempt, why, and when the next one runs")
    func retriesShown() async throws {
        let server = try await ServeProcess.start()
        defer { server.process.kill(SIGKILL) }
        // Delayed, so the first attempt runs after --wait subscribed.
        let run = try await Self.conveyor(["enqueue", "flaky", "--payload", #"{"failTimes":2}"#, "--delay", "1s", "--wait"], server)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("attempt 1 of 5 failed: Failing on purpose: attempt 1 of the first 2; next in"), "\(run.stderr)")
        #expect(run.stderr.contains("attempt 2 of 5 failed"), "\(run.stderr)")
        #expect(run.stdout.contains("completed"), "\(run.stdout)")
    }
}
