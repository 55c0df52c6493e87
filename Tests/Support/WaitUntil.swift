/// Polls `condition` every 50 ms until it holds; throws after `limit`, a safety net for a test
/// that waits on other processes, not a timing it asserts.
public func waitUntil(_ what: String, limit: Duration = .seconds(120), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw ProductProcess.Failure(message: "timed out waiting until \(what)") }
        try await Task.sleep(for: .milliseconds(50))
    }
}
