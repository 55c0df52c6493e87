import Conveyor
import Foundation
import Testing

/// Every store keeps the list of worker processes sharing it: recorded, refreshed, forgotten
/// when stale or stopped.
@Suite("Store conformance: the worker directory")
struct WorkerDirectoryTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func worker(_ id: String, running: Int = 0, queues: [String]? = nil, seen: Date = now) -> WorkerRecord {
        WorkerRecord(
            id: id, host: "node-1", pid: 4242, startedAt: now.addingTimeInterval(-60), concurrency: 16, running: running, processed: 7,
            queues: queues, draining: false, lastSeenAt: seen)
    }

    @Test("workers are listed as last reported; stale and stopped ones are gone", arguments: StoreFactory.all)
    func directory(factory: StoreFactory) async throws {
        let store = try await factory.make()
        let directory = try #require(store as? any WorkerDirectory)
        try await directory.recordWorker(Self.worker("a", queues: ["images", "mail"]))
        try await directory.recordWorker(Self.worker("b", seen: Self.now.addingTimeInterval(-100)))
        var refreshed = Self.worker("a", running: 3, queues: ["images", "mail"], seen: Self.now.addingTimeInterval(5))
        refreshed.processed = 9
        refreshed.draining = true
        try await directory.recordWorker(refreshed)
        try await directory.recordWorker(Self.worker("c"))

        let live = try await directory.workers(seenSince: Self.now.addingTimeInterval(-20))
        #expect(live.map(\.id) == ["a", "c"])
        #expect(live.first == refreshed, "the latest report, every field kept: \(String(describing: live.first))")
        #expect(live.last?.queues == nil)
        try await directory.removeWorker(id: "c")
        #expect(try await directory.workers(seenSince: Self.now.addingTimeInterval(-20)).map(\.id) == ["a"])
        // The stale one was deleted on the way, not just hidden.
        #expect(try await directory.workers(seenSince: .distantPast).map(\.id) == ["a"])
        try await (store as? any ClosableStore)?.close()
    }
}
