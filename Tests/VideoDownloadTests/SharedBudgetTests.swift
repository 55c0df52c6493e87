import Conveyor
import ConveyorCurl
import ConveyorTesting
import ConveyorVideoDownload
import Foundation
import Logging
import TestSupport
import Testing

/// A runtime with the download plugin on a memory store, for the length of `body`.
func withDownloadRuntime<T>(
    memory: MemoryLimits, concurrency: Int = 12, _ body: (ConveyorRuntime) async throws -> T
) async throws -> T {
    let configuration = RuntimeConfiguration(concurrency: concurrency, pollInterval: .milliseconds(20), memory: memory)
    return try await withTestRuntime(plugins: [VideoDownloadPlugin(configuration: loopbackAllowed)], configuration: configuration, body)
}

/// Polls `condition` every 10 ms for up to `seconds`.
func eventually(within seconds: Double = 60, _ condition: () -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

@Suite("Video download: one shared budget")
struct SharedBudgetTests {
    @Test("downloads totalling 3× the budget all complete; peak ≤ budget; nothing held at the end")
    func threeTimesTheBudget() async throws {
        let server = try await FixtureServer.start()
        let limits = MemoryLimits(maxTotal: 1_000_000, maxPerJob: 400_000)
        try await withDownloadRuntime(memory: limits) { runtime in
            // 12 × 250 kB = 3 MB through a 1 MB budget, each taking about half a second so they
            // overlap; half announce their length, half do not.
            var ids: [JobID] = []
            for index in 0..<12 {
                let path = index % 2 == 0 ? "/generate/250000?rate=25000" : "/generate/250000?chunked=1&rate=25000"
                let payload = try JSONEncoder().encode(VideoDownloadHandler.Input(url: server.url(path)))
                ids.append(try await runtime.enqueue(JobRequest(type: "video-download", payload: payload)).job.id)
            }
            let expectedHash = sha256((0..<250_000).map { UInt8($0 % 251) })
            for id in ids {
                let job = try await runtime.waitUntilFinished(id, pollEvery: .milliseconds(20))
                #expect(job.status == .completed, "\(job.error?.message ?? "")")
                let output = try JSONDecoder().decode(VideoDownloadHandler.Output.self, from: job.result ?? Data())
                #expect(output.bytes == 250_000)
                #expect(output.sha256 == expectedHash)
            }
            let stats = runtime.memory.stats
            #expect(stats.peak <= limits.maxTotal)
            #expect(stats.peak >= 750_000)  // several ran at once
            #expect(try await eventually { runtime.memory.stats.current == 0 })
        }
    }

    @Test("cancelling a running download frees its memory at once and stops the transfer")
    func cancelFrees() async throws {
        let server = try await FixtureServer.start()
        try await withDownloadRuntime(memory: MemoryLimits()) { runtime in
            let payload = try JSONEncoder().encode(VideoDownloadHandler.Input(url: server.url("/stall/moov-at-end.mp4?after=40000")))
            let id = try await runtime.enqueue(JobRequest(type: "video-download", payload: payload)).job.id
            #expect(try await eventually { runtime.memory.stats.current == 112_433 })
            _ = try await runtime.cancel(id)
            #expect(try await eventually { runtime.memory.stats.current == 0 })
            let job = try await runtime.waitUntilFinished(id, pollEvery: .milliseconds(20))
            #expect(job.status == .cancelled)
            #expect(runtime.activeJobCount == 0)
        }
    }
}
