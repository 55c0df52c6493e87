import Conveyor
import Foundation
import Testing

extension StoreConformanceTests {
    @Test("a flow's jobs keep their membership and are listed by flow", arguments: StoreFactory.all)
    func flowMembership(factory: StoreFactory) async throws {
        let store = try await factory.make()
        let flow = JobID.make()
        let first = NewJob(type: "noop", payload: Data("{}".utf8), createdAt: Self.now, flow: FlowMembership(id: flow, key: "fetch", name: "publish"))
        var second = NewJob(
            type: "noop", payload: Data("{}".utf8), createdAt: Self.now, dependsOn: [first.id], flow: FlowMembership(id: flow, key: "post", name: "publish"))
        second.onDependencyFailure = .run
        _ = try await store.enqueue([first, second, newJob()], limits: .none)
        let listed = try await store.jobs(matching: JobFilter(flowID: flow, limit: 1000)).jobs
        #expect(Set(listed.map(\.id)) == [first.id, second.id])
        #expect(listed.first { $0.id == second.id }?.flow == FlowMembership(id: flow, key: "post", name: "publish"))
        #expect(listed.first { $0.id == second.id }?.onDependencyFailure == .run)
        let snapshot = try #require(FlowSnapshot(id: flow, jobs: listed))
        #expect(snapshot.status == .running && snapshot.edges == [FlowSnapshot.Edge(from: "fetch", to: "post")])
    }
}
