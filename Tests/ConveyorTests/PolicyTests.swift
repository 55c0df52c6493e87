import Conveyor
import ConveyorDiagnostics
import Foundation
import Testing

@Suite("Retry policies, priorities, ids and sizes")
struct PolicyTests {
    @Test("fixed schedule gives its delays in order, then repeats the last")
    func fixed() {
        let policy = RetryPolicy.fixed([.seconds(1), .seconds(5), .seconds(15)])
        #expect((1...5).map { policy.delay(afterAttempt: $0) } == [.seconds(1), .seconds(5), .seconds(15), .seconds(15), .seconds(15)])
    }

    @Test("exponential doubles within its jitter and stops at the cap")
    func exponential() {
        let policy = RetryPolicy.exponential(base: .seconds(1), factor: 2, maxDelay: .seconds(10), jitter: 0.2)
        for attempt in 1...4 {
            let nominal = pow(2.0, Double(attempt - 1))
            for _ in 0..<50 {
                let delay = policy.delay(afterAttempt: attempt)!.seconds
                #expect(delay >= nominal * 0.8 - 0.001 && delay <= nominal * 1.2 + 0.001)
            }
        }
        #expect(policy.delay(afterAttempt: 20)!.seconds <= 10)
        #expect(RetryPolicy.exponential(jitter: 0).delay(afterAttempt: 3) == .seconds(4))
    }

    @Test("none never retries")
    func none() {
        #expect(RetryPolicy.none.delay(afterAttempt: 1) == nil)
        #expect(RetryPolicy.fixed([]).delay(afterAttempt: 1) == nil)
    }

    @Test("weighted draws give every priority first pick in proportion")
    func weights() {
        var generator = SystemRandomNumberGenerator()
        var firsts: [JobPriority: Int] = [:]
        for _ in 0..<10_000 { firsts[PriorityWeights.default.drawOrder(using: &generator)[0], default: 0] += 1 }
        #expect((5_500...6_500).contains(firsts[.high, default: 0]))
        #expect((2_500...3_500).contains(firsts[.normal, default: 0]))
        #expect((700...1_300).contains(firsts[.low, default: 0]))
        #expect(Set(PriorityWeights(high: 1, normal: 0, low: 0).drawOrder(using: &generator)) == Set(JobPriority.allCases))
    }

    @Test("low priority is not starved by a flood of high")
    func noStarvation() async throws {
        try await withRuntime(RuntimeConfiguration(concurrency: 1, claimBatchSize: 1, pollInterval: .milliseconds(20))) { runtime in
            try await runtime.pause(queue: "default")
            let high = (0..<300).map { _ in JobRequest(type: "noop", payload: payload("{}"), options: EnqueueOptions(priority: .high)) }
            let low = (0..<5).map { _ in JobRequest(type: "noop", payload: payload("{}"), options: EnqueueOptions(priority: .low)) }
            let results = try await runtime.enqueue(high + low)
            let lowIDs = Set(results.suffix(5).map(\.job.id))
            try await runtime.resume(queue: "default")
            try await eventually("all done") { try await runtime.store.stats(now: Date()).count(.completed) == 305 }
            let finished = try await runtime.store.jobs(matching: JobFilter(status: .completed, limit: 1000)).jobs
                .sorted { ($0.startedAt!, $0.id) < ($1.startedAt!, $1.id) }
            let lastLow = try #require(finished.lastIndex { lowIDs.contains($0.id) })
            // Strict priority would run them last (index ≥ 300); weights 60/30/10 get them out early.
            #expect(lastLow < 200, "the last low-priority job ran at position \(lastLow) of 305")
        }
    }

    @Test("job ids sort by creation, even within one millisecond, and round-trip as text")
    func ids() {
        let now = Date()
        let ids = (0..<1000).map { _ in JobID.make(now: now) }
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == 1000)
        #expect(JobID(ids[0].description) == ids[0])
        #expect(JobID("not-a-uuid") == nil)
        #expect(abs(ids[0].timestamp.timeIntervalSince(now)) < 0.002)
    }

    @Test("sizes and durations parse and print as the contract writes them")
    func units() {
        #expect(ByteCount.parse("50MB") == 50_000_000)
        #expect(ByteCount.parse("200MiB") == 200 * 1_048_576)
        #expect(ByteCount.parse("1024") == 1024)
        #expect(ByteCount.parse("-1") == nil && ByteCount.parse("lots") == nil)
        #expect(ByteCount.format(73_400_000) == "73.4 MB")
        #expect(ByteCount.format(50_000_000) == "50 MB")
        #expect(DurationText.parse("250ms") == .milliseconds(250))
        #expect(DurationText.parse("30s") == .seconds(30))
        #expect(DurationText.parse("10m") == .seconds(600))
        #expect(DurationText.parse("2h") == .seconds(7200))
        #expect(DurationText.parse("7d") == .seconds(604_800))
        #expect(DurationText.parse("soon") == nil)
        #expect(DurationText.format(.seconds(600)) == "10m")
    }
}
