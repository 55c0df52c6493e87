public import Conveyor
public import Logging

/// A runtime for integration tests: an in-memory store, `plugins`, working in the background for
/// the length of `body`, then drained — or cancelled when `body` throws. Logging is quiet unless
/// a logger is given (one that captures lines, to check what reaches the logs).
public func withTestRuntime<T>(
    plugins: [any ConveyorPlugin],
    configuration: RuntimeConfiguration = RuntimeConfiguration(concurrency: 8, pollInterval: .milliseconds(20)),
    logger: Logger? = nil,
    _ body: (ConveyorRuntime) async throws -> T
) async throws -> T {
    let logger = logger ?? {
        var quiet = Logger(label: "conveyor.tests")
        quiet.logLevel = .critical
        return quiet
    }()
    let runtime = try ConveyorRuntime(store: MemoryJobStore(), plugins: plugins, configuration: configuration, logger: logger)
    return try await runtime.withRunning { try await body(runtime) }
}
