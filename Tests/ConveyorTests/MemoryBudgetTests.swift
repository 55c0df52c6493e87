import Conveyor
import ConveyorTesting
import Foundation
import Synchronization
import Testing

@Suite("Memory budget")
struct MemoryBudgetTests {
    @Test("over the per-job cap is a permanent error with both sizes")
    func cap() async throws {
        let budget = MemoryBudget(MemoryLimits(maxTotal: 200_000_000, maxPerJob: 50_000_000))
        do {
            _ = try await budget.reserve(73_400_000, label: "Video")
            Issue.record("expected the cap to refuse")
        } catch let error as JobError {
            #expect(error.isPermanent)
            #expect(error.message == "Video too large: 73.4 MB > 50 MB")
        }
        #expect(budget.stats.current == 0)
    }

    @Test("a job's reservations count together against the cap and are freed when it ends")
    func jobShare() async throws {
        let tester = HandlerTester(memory: MemoryLimits(maxTotal: 1000, maxPerJob: 500))
        let step = Step<Int, Int>("hold", weight: 1) { bytes, context in
            let first = try await context.memory.reserve(bytes)
            let second = try await context.memory.reserve(bytes)
            #expect(context.memory.bytesHeld == 2 * bytes)
            try await first.grow(by: bytes)
            return withExtendedLifetime(second) { context.memory.bytesHeld }
        }
        let fits = await tester.run(step, 100)
        #expect(try fits.output() == 300)
        #expect(fits.peakMemory == 300 && fits.memoryAfter == 0)
        let tooMuch = await tester.run(step, 200)
        #expect((try? tooMuch.output()) == nil)
        #expect(tooMuch.memoryAfter == 0)
    }

    @Test("no room yet: waiters are served first come, first served")
    func fifo() async throws {
        let budget = MemoryBudget(MemoryLimits(maxTotal: 100, maxPerJob: 100))
        let held = try await budget.reserve(100)
        let order = Locked<[Int]>([])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<5 {
                group.addTask {
                    let reservation = try await budget.reserve(60)
                    order.withLock { $0.append(index) }
                    try await Task.sleep(for: .milliseconds(5))
                    reservation.release()
                }
                try await eventually("waiter \(index) queued") { budget.stats.waiters == index + 1 }
            }
            held.release()
            try await group.waitForAll()
        }
        #expect(order.withLock { $0 } == [0, 1, 2, 3, 4])
        #expect(budget.stats.current == 0 && budget.stats.peak <= 100)
    }

    @Test("waiting is cancellable and bounded")
    func cancelAndTimeout() async throws {
        let budget = MemoryBudget(MemoryLimits(maxTotal: 100, maxPerJob: 100, maxWait: .milliseconds(100)))
        let held = try await budget.reserve(100)
        let waiting = Task { try await budget.reserve(50) }
        try await eventually("queued") { budget.stats.waiters == 1 }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        #expect(budget.stats.waiters == 0)
        do {
            _ = try await budget.reserve(50, label: "Video")
            Issue.record("expected a timeout")
        } catch let error as JobError {
            #expect(!error.isPermanent && error.code == "memory_wait_timeout")
        }
        held.release()
        #expect(budget.stats.current == 0 && budget.stats.waiters == 0)
    }

    @Test("reservations grow, shrink and are released when dropped")
    func lifecycle() async throws {
        let budget = MemoryBudget(MemoryLimits(maxTotal: 1000, maxPerJob: 1000, warningThreshold: 50))
        let warnings = Locked(0)
        budget.onWarning { _ in warnings.withLock { $0 += 1 } }
        var reservation: MemoryReservation? = try await budget.reserve(100)
        try await reservation?.grow(by: 500)
        #expect(budget.stats.current == 600 && warnings.withLock { $0 } == 1)
        reservation?.shrink(to: 200)
        #expect(budget.stats.current == 200 && budget.stats.peak == 600)
        try await reservation?.resize(to: 700)
        #expect(warnings.withLock { $0 } == 2)
        reservation = nil
        #expect(budget.stats.current == 0 && budget.stats.activeReservations == 0)
        #expect(budget.stats.formatted.peak == "700 B" && budget.stats.utilization == 0)
    }

    @Test("a buffer reserves before it allocates, in chunks, never doubling")
    func buffer() async throws {
        let budget = MemoryBudget(MemoryLimits(maxTotal: 1 << 24, maxPerJob: 1 << 24))
        let memory = JobMemory(budget: budget)
        let buffer = try await memory.makeBuffer(label: "Video", chunkSize: 65_536)
        let bytes = (0..<200_000).map { UInt8(truncatingIfNeeded: $0) }
        for chunk in stride(from: 0, to: bytes.count, by: 16_384) {
            try await buffer.append(contentsOf: bytes[chunk..<min(chunk + 16_384, bytes.count)])
        }
        #expect(buffer.count == 200_000)
        #expect(buffer.allocatedBytes == 4 * 65_536)
        #expect(buffer.reservation.bytes == buffer.allocatedBytes)
        #expect(buffer.bytes() == bytes)
        var middle = [UInt8](repeating: 0, count: 100)
        #expect(middle.withUnsafeMutableBytes { buffer.copyBytes(from: 65_500, into: $0) } == 100)
        #expect(middle == Array(bytes[65_500..<65_600]))

        let exact = try await memory.makeBuffer()
        try await exact.reserveCapacity(1234)
        try await exact.append(contentsOf: bytes.prefix(1234))
        #expect(exact.allocatedBytes == 1234 && exact.reservation.bytes == 1234)
        memory.releaseAll()
        #expect(budget.stats.current == 0)
    }

    @Test("stress: 10k random jobs with failures, cancels and timeouts leave the budget at 0")
    func stress() async throws {
        var configuration = RuntimeConfiguration(concurrency: 64, pollInterval: .milliseconds(10))
        configuration.memory = MemoryLimits(maxTotal: 1_000_000, maxPerJob: 200_000, maxWait: .seconds(30))
        try await withRuntime(configuration, plugins: [HogPlugin()]) { runtime in
            var requests: [JobRequest] = []
            for _ in 0..<10_000 {
                let hog = Hog.Input(
                    bytes: Int.random(in: 1...250_000), grows: Int.random(in: 0...3), sleepMicros: Int.random(in: 0...2000),
                    fails: Int.random(in: 0..<10) == 0)
                let timeout: Duration = Int.random(in: 0..<50) == 0 ? .milliseconds(1) : .seconds(60)
                requests.append(JobRequest(type: Hog.name, payload: try JSONEncoder().encode(hog), options: EnqueueOptions(maxAttempts: 1, timeout: timeout)))
            }
            let jobs = try await runtime.enqueue(requests).map(\.job.id)
            for id in jobs.shuffled().prefix(300) { _ = try? await runtime.cancel(id) }
            try await eventually("every job finished", within: .seconds(120)) {
                let stats = try await runtime.store.stats(now: Date())
                return stats.count(.completed) + stats.count(.failed) + stats.count(.cancelled) == 10_000
            }
            try await eventually("every job's memory released") { runtime.activeJobCount == 0 && runtime.memory.stats.current == 0 }
            let stats = runtime.memory.stats
            #expect(stats.current == 0 && stats.waiters == 0 && stats.activeReservations == 0)
            #expect(stats.peak <= 1_000_000)
            #expect(stats.peak > 0)
            var failed: [Job] = []
            var page = JobPage(jobs: [], nextCursor: nil)
            repeat {
                page = try await runtime.store.jobs(matching: JobFilter(status: .failed, limit: 1000, cursor: page.nextCursor))
                failed += page.jobs
            } while page.nextCursor != nil
            let reasons = Set(failed.compactMap { $0.error?.message.prefix(40) }).sorted()
            #expect(failed.contains { $0.error?.message.contains("too large") == true }, "\(failed.count) failed: \(reasons.prefix(10))")
        }
    }
}

/// Reserves memory, grows it, sleeps, maybe fails: a random worst case for the budget.
struct Hog: JobHandler {
    struct Input: Codable, Sendable {
        var bytes: Int
        var grows: Int
        var sleepMicros: Int
        var fails: Bool
    }

    static let name = "hog"

    func run(_ input: Input, context: JobContext) async throws -> Int {
        let reservation = try await context.memory.reserve(input.bytes / 2, label: "Hog")
        for _ in 0..<input.grows { try await reservation.grow(by: input.bytes / 8) }
        try await Task.sleep(for: .microseconds(input.sleepMicros))
        if input.fails { throw JobError.retryable("hog failed on purpose") }
        return reservation.bytes
    }
}

struct HogPlugin: ConveyorPlugin {
    let name = "hog"
    func register(into registry: inout HandlerRegistry) { registry.register(Hog()) }
}
