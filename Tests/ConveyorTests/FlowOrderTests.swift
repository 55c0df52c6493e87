import Conveyor
import Foundation
import TestSupport
import Testing

@Suite("Runtime: flows in dependency order")
struct FlowOrderTests {
    @Test("memory store: a diamond and a fan-in of 500 run in dependency order; a failure cancels what is below it")
    func dependencyOrder() async throws {
        try await withRuntime { runtime in
            let flows = try await OrchestrationOrder.enqueue(into: runtime.store)
            try await OrchestrationOrder.check(flows, in: runtime.store)
        }
    }
}
