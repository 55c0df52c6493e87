import Conveyor
import Foundation
import Testing

extension StoreConformanceTests {
    @Test("search finds a job by id, by payload text or by its error, in either case, with the other filters", arguments: StoreFactory.all)
    func search(factory: StoreFactory) async throws {
        let store = try await factory.make()
        func job(_ payload: String, queue: String = "default") -> NewJob {
            NewJob(type: "noop", queue: queue, payload: Data(payload.utf8), createdAt: Self.now, runAt: nil)
        }
        let chat = job(#"{"chatId":"-100123","Caption":"Holiday"}"#), other = job(#"{"chatId":"-100999"}"#)
        let elsewhere = job(#"{"chatId":"-100123"}"#, queue: "slow")
        _ = try await store.enqueue([chat, other, elsewhere], limits: .none)
        let running = try await claim(store, limit: 1)
        _ = try await store.complete([JobOutcome(
            jobID: running[0].id, workerID: "w1", resolution: .failed(JobFailure(code: "bad", message: "Chat NOT found", isPermanent: true)))])

        func found(_ filter: JobFilter) async throws -> Set<JobID> { Set(try await store.jobs(matching: filter).jobs.map(\.id)) }
        #expect(try await found(JobFilter(search: "-100123")) == [chat.id, elsewhere.id])
        #expect(try await found(JobFilter(queue: "slow", search: "-100123")) == [elsewhere.id])
        #expect(try await found(JobFilter(search: "holiDAY")) == [chat.id])
        #expect(try await found(JobFilter(search: "chat not")) == [running[0].id])
        #expect(try await found(JobFilter(search: other.id.description)) == [other.id])
        #expect(try await found(JobFilter(search: "%")).isEmpty, "a LIKE wildcard is text like any other")
        let page = try await store.jobs(matching: JobFilter(search: "chatId", limit: 2))
        #expect(page.jobs.count == 2 && page.nextCursor != nil)
        #expect(try await found(JobFilter(search: "chatId", limit: 2, cursor: page.nextCursor)).count == 1)
    }
}
