/// What batches need from a store; memory, SQLite and PostgreSQL all provide it. The store keeps
/// each batch's ``BatchTally`` and moves it in the same transaction as its jobs' ends, enqueuing
/// each callback in that transaction too.
public protocol BatchStore: Sendable {
    /// Writes the batch, its jobs and its callbacks (all or nothing; an empty batch finishes at
    /// once). The jobs are limited as any enqueue is; callbacks, enqueued later, are not.
    func enqueue(_ batch: NewBatch, limits: EnqueueLimits) async throws -> BatchSnapshot
    /// The batch with this id, `nil` when there is none.
    func batch(_ id: JobID) async throws -> BatchSnapshot?
    /// How many batches are running and how many finished (every status present), for metrics.
    func batchCounts() async throws -> [BatchStatus: Int]
}
