import Conveyor
import ConveyorDiagnostics
import Foundation
import Synchronization
import Testing

/// The instrumentation seam: middleware wraps every attempt from outside the handler, in order,
/// and hears every enqueue and how every attempt ended.
@Suite("job middleware")
struct JobMiddlewareTests {
    final class Lines: Sendable {
        let all = Mutex<[String]>([])
    }

    /// Writes what it sees, tagged with its name.
    final class Recorder: JobMiddleware {
        let name: String
        let lines: Lines
        init(_ name: String, into lines: Lines = Lines()) {
            self.name = name
            self.lines = lines
        }

        func run(_ job: Job, context: JobContext, next: () async throws -> Data) async throws -> Data {
            record("\(name) before \(job.type) #\(job.attempts)")
            defer { record("\(name) after \(job.type) #\(job.attempts)") }
            return try await next()
        }

        func enqueued(_ job: Job) { record("\(name) enqueued \(job.type)") }

        func ended(_ job: Job, as status: JobStatus, error: JobFailure?, duration: Duration) {
            record("\(name) ended \(job.type) #\(job.attempts) \(status.rawValue) \(error?.code.rawValue ?? "-")")
        }

        func record(_ line: String) { lines.all.withLock { $0.append(line) } }
        var seen: [String] { lines.all.withLock { $0 } }
    }

    @Test("middleware wraps each attempt outermost first and hears enqueues and every kind of end")
    func wrapsAndHears() async throws {
        let outer = Recorder("outer")
        let inner = Recorder("inner")
        let runtime = try ConveyorRuntime(
            store: MemoryJobStore(), plugins: [DiagnosticsPlugin()],
            configuration: RuntimeConfiguration(concurrency: 4, pollInterval: .milliseconds(20)), middleware: [outer, inner])
        try await runtime.withRunning {
            let noop = try await runtime.enqueue(JobRequest(type: "noop", payload: Data("{}".utf8))).job
            _ = try await runtime.waitUntilFinished(noop.id)
            let flaky = try await runtime.enqueue(
                JobRequest(type: "flaky", payload: Data(#"{"failTimes": 1}"#.utf8), options: EnqueueOptions(maxAttempts: 2))).job
            _ = try await runtime.waitUntilFinished(flaky.id)
            let sleeper = try await runtime.enqueue(JobRequest(type: "sleep", payload: Data(#"{"ms": 60000}"#.utf8))).job
            while try await runtime.store.job(sleeper.id)?.status != .running { try await Task.sleep(for: .milliseconds(10)) }
            _ = try await runtime.cancel(sleeper.id)
            while !inner.seen.contains(where: { $0.hasPrefix("inner ended sleep") }) { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(Array(outer.seen.prefix(4)) == ["outer enqueued noop", "outer before noop #1", "outer after noop #1", "outer ended noop #1 completed -"])
        #expect(Array(inner.seen.prefix(4)) == ["inner enqueued noop", "inner before noop #1", "inner after noop #1", "inner ended noop #1 completed -"])
        #expect(outer.seen.contains("outer ended flaky #1 scheduled retryable_failure"))
        #expect(outer.seen.contains("outer ended flaky #2 completed -"))
        #expect(outer.seen.contains("outer ended sleep #1 cancelled cancelled"))
    }

    @Test("order: the first middleware is outermost")
    func order() async throws {
        let lines = Lines()
        let runtime = try ConveyorRuntime(
            store: MemoryJobStore(), plugins: [DiagnosticsPlugin()], configuration: RuntimeConfiguration(concurrency: 1, pollInterval: .milliseconds(20)),
            middleware: [Recorder("a", into: lines), Recorder("b", into: lines)])
        try await runtime.withRunning {
            let job = try await runtime.enqueue(JobRequest(type: "noop", payload: Data("{}".utf8))).job
            _ = try await runtime.waitUntilFinished(job.id)
        }
        let wrapped = lines.all.withLock { $0 }.filter { $0.contains("before") || $0.contains("after") }
        #expect(wrapped == ["a before noop #1", "b before noop #1", "b after noop #1", "a after noop #1"])
    }
}
