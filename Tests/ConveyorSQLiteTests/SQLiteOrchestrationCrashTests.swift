import Conveyor
import ConveyorSQLite
import Foundation
import TestSupport
import Testing

/// Flows and batches when the worker running them is killed with SIGKILL: every job still ends,
/// in dependency order, and every callback is enqueued exactly once.
@Suite("SQLite store: flows and batches through a crash")
struct SQLiteOrchestrationCrashTests {
    @Test("kill -9 mid-flow and mid-batch: every node ends in order, every callback exactly once")
    func crashMidFlowAndBatch() async throws {
        let path = try TemporaryDirectory().path("jobs.db")
        let store = try SQLiteJobStore(path: path)
        try await OrchestrationCrash.run(store, storeURL: "sqlite:\(path)")
        try await store.close()
    }

    @Test("two worker processes: a diamond and a fan-in of 500 run in dependency order; a failure cancels what is below it")
    func dependencyOrderAcrossProcesses() async throws {
        let path = try TemporaryDirectory().path("jobs.db")
        let store = try SQLiteJobStore(path: path)
        try await OrchestrationOrder.runWithWorkers(store, storeURL: "sqlite:\(path)")
        try await store.close()
    }
}
