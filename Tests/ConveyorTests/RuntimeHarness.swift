import Conveyor
import ConveyorDiagnostics
import ConveyorTesting
import Foundation
import Logging
import Synchronization
import Testing

/// A runtime on a memory store with the diagnostics plugin, running for the length of `body`.
func withRuntime<T>(
    _ configuration: RuntimeConfiguration = RuntimeConfiguration(concurrency: 8, pollInterval: .milliseconds(20)),
    plugins: [any ConveyorPlugin] = [DiagnosticsPlugin()],
    _ body: (ConveyorRuntime) async throws -> T
) async throws -> T {
    try await withTestRuntime(plugins: plugins, configuration: configuration, body)
}

/// Collects every event of a runtime while a test runs.
final class EventLog: Sendable {
    private final class Storage: Sendable {
        let events = Mutex<[JobEvent]>([])
    }

    private let storage = Storage()
    private let task: Task<Void, Never>

    init(_ runtime: ConveyorRuntime) {
        let stream = runtime.events()
        let storage = self.storage
        task = Task { for await event in stream { storage.events.withLock { $0.append(event) } } }
    }

    deinit { task.cancel() }

    func states(of id: JobID) -> [JobStatus] {
        storage.events.withLock { events in
            events.compactMap { event in
                if case .stateChanged(let change) = event, change.jobID == id { return change.status }
                return nil
            }
        }
    }

    func progress(of id: JobID) -> [JobProgress] {
        storage.events.withLock { events in
            events.compactMap { event in
                if case .progress(let update) = event, update.jobID == id { return update.progress }
                return nil
            }
        }
    }
}

/// Polls until `condition` holds (or fails the test after `limit`).
func eventually(_ what: String, within limit: Duration = .seconds(60), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    Issue.record("Timed out waiting for: \(what)")
}

func payload(_ json: String) -> Data { Data(json.utf8) }

/// A value several tasks append to.
final class Locked<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>
    init(_ value: Value) { storage = Mutex(value) }
    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { storage.withLock { body(&$0) } }
}
