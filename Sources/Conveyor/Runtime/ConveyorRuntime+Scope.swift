extension ConveyorRuntime {
    /// Runs workers in the background for the length of `body`, then drains them (running jobs
    /// get `drainTimeout` to finish) — or, when `body` throws or the caller is cancelled, stops
    /// them at once, re-queueing what was running. Returns `body`'s value once the workers stopped.
    ///
    /// The scoped form of ``run()`` for a program, a test or a tool that enqueues, waits and
    /// exits; a server puts the runtime in a `ServiceGroup` instead.
    public func withRunning<T>(_ body: () async throws -> T) async throws -> T {
        let workers = Task { try await run() }
        let value: T
        do {
            value = try await withTaskCancellationHandler {
                try await body()
            } onCancel: {
                workers.cancel()
            }
        } catch {
            workers.cancel()
            _ = try? await workers.value
            throw error
        }
        shutdown()
        try await workers.value
        return value
    }
}
