import Conveyor
import ConveyorDiagnostics
import ConveyorTesting
import Foundation
import Testing

@Suite("Diagnostics plugin")
struct DiagnosticsTests {
    @Test("noop returns at once")
    func noop() async throws {
        let run = await HandlerTester().run(NoopHandler(), .init())
        _ = try run.output()
        #expect(run.progress.isEmpty)
    }

    @Test("sleep reports progress at least ten times, ending at 100 %")
    func sleepProgress() async throws {
        let run = await HandlerTester().run(SleepHandler(), .init(ms: 100))
        #expect(try run.output().slept == 100)
        #expect(run.progress.count >= 10)
        #expect(run.progress.map(\.percent) == run.progress.map(\.percent).sorted())
        #expect(run.progress.last?.percent == 100)
        #expect(run.progress.last?.message == "Slept 100 of 100 ms")
    }

    @Test("sleep stops the moment its task is cancelled")
    func sleepCancel() async throws {
        let tester = HandlerTester()
        let task = Task { await tester.run(SleepHandler(), .init(ms: 60_000)) }
        try await Task.sleep(for: .milliseconds(50))
        task.cancel()
        let run = await task.value
        #expect(throws: CancellationError.self) { try run.output() }
        #expect(run.progress.count < 20)  // stopped early: a full sleep reports 20 steps
    }

    @Test("sleep refuses an absurd duration permanently")
    func sleepBounds() async throws {
        let run = await HandlerTester().run(SleepHandler(), .init(ms: -5))
        #expect(throws: JobError.permanent("payload.ms: -5 is out of range 0…86400000", code: "invalid_payload")) { try run.output() }
    }

    @Test("flaky fails its first attempts, then succeeds; permanent when asked")
    func flaky() async throws {
        let failing = await HandlerTester(attempt: 2).run(FlakyHandler(), .init(failTimes: 2))
        #expect(throws: JobError.self) { try failing.output() }
        let succeeding = await HandlerTester(attempt: 3).run(FlakyHandler(), .init(failTimes: 2))
        #expect(try succeeding.output().attempt == 3)
        let permanent = await HandlerTester(attempt: 1).run(FlakyHandler(), .init(failTimes: 1, permanent: true))
        do {
            _ = try permanent.output()
            Issue.record("expected a failure")
        } catch let error as JobError {
            #expect(error.isPermanent)
        }
    }

    @Test("the plugin registers noop, sleep, flaky and tally")
    func registry() {
        let registry = HandlerRegistry(plugins: [DiagnosticsPlugin()])
        #expect(registry.names == ["flaky", "noop", "sleep", "tally"])
        #expect(registry.descriptions.allSatisfy { $0.plugin == "diagnostics" && $0.kind == "handler" })
    }
}
