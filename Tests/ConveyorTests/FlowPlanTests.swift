import Conveyor
import ConveyorDiagnostics
import Foundation
import Testing

@Suite("Flows: plans and the library builder")
struct FlowPlanTests {
    func node(_ key: String, after: [String] = []) -> FlowPlan.Node {
        FlowPlan.Node(key: key, request: JobRequest(type: "noop", payload: Data("{}".utf8)), after: after)
    }

    @Test("jobs are ordered after what they wait for, with ids, keys and the flow set")
    func orders() throws {
        let plan = try FlowPlan(name: "diamond", nodes: [node("d", after: ["b", "c"]), node("b", after: ["a"]), node("c", after: ["a"]), node("a")])
        #expect(plan.keys == ["a", "b", "c", "d"])
        let ids = Dictionary(uniqueKeysWithValues: zip(plan.keys, plan.requests.map { try! #require($0.options.jobID) }))
        #expect(plan.requests[3].options.dependsOn == [ids["b"]!, ids["c"]!])
        #expect(plan.requests.allSatisfy { $0.options.flow?.id == plan.id && $0.options.flow?.name == "diamond" })
    }

    @Test("a cycle, an unknown key, a repeated key and an empty flow are refused by place")
    func refuses() {
        #expect(throws: ConveyorError(.flowCycle, "jobs: each of these waits for the next, in a cycle: a → b → c → a")) {
            try FlowPlan(name: nil, nodes: [node("a", after: ["b"]), node("b", after: ["c"]), node("c", after: ["a"]), node("d")])
        }
        #expect(throws: ConveyorError(.invalidInput, "jobs[1].dependsOn[0]: no job in this flow has key 'x'")) {
            try FlowPlan(name: nil, nodes: [node("a"), node("b", after: ["x"])])
        }
        #expect(throws: ConveyorError(.invalidInput, "jobs[1].key: 'a' is already the key of jobs[0]")) {
            try FlowPlan(name: nil, nodes: [node("a"), node("a")])
        }
        #expect(throws: ConveyorError(.invalidInput, "jobs: a flow holds 1–1000 jobs (got 0)")) { try FlowPlan(name: nil, nodes: []) }
    }

    struct Double: JobHandler {
        static let name = "double"
        func run(_ input: Int, context: JobContext) async throws -> Int {
            let before = context.dependencies.isEmpty ? 0 : try context.result(of: Double.self)
            return before + input * 2
        }
    }

    struct Plugin: ConveyorPlugin {
        let name = "double"
        func register(into registry: inout HandlerRegistry) { registry.register(Double()) }
    }

    @Test("a chain built in Swift runs step after step and reads the step before")
    func chain() async throws {
        try await withRuntime(plugins: [Plugin()]) { runtime in
            var flow = Flow(name: "sum")
            let first = try flow.add(Double.self, 1)
            let second = try flow.add(Double.self, 2, after: first)
            try flow.add(Double.self, 3, after: second, key: "last")
            let started = try await runtime.enqueue(flow)
            #expect(started.jobs.map(\.status) == [.queued, .waiting, .waiting] && started.status == .running)
            let last = try #require(started.jobs.first { $0.flow?.key == "last" })
            let done = try await runtime.waitUntilFinished(last.id)
            #expect(done.result == Data("12".utf8))
            let finished = try #require(try await runtime.flow(started.id))
            #expect(finished.status == .completed && finished.percent == 100 && finished.edges.map { "\($0.from)>\($0.to)" } == ["double-1>double-2", "double-2>last"])
        }
    }
}
