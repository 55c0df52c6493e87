public import Foundation

/// A store that keeps a list of the worker processes sharing it, so an API process — which may
/// run no workers itself — lists them and counts their capacity. Every built-in store has one;
/// a runtime over a store without it simply goes unlisted.
public protocol WorkerDirectory: Sendable {
    /// Adds or refreshes a worker's record.
    func recordWorker(_ worker: WorkerRecord) async throws
    /// Workers heard from since `date`, by id; older records are deleted on the way.
    func workers(seenSince date: Date) async throws -> [WorkerRecord]
    /// Removes a worker that stopped.
    func removeWorker(id: String) async throws
}
