public import Conveyor
public import Foundation

/// `batch:progress` — sent when a followed batch's counts change — and, once, `batch:finished`
/// when its last job ends (DESIGN §12): the counters of `GET /api/batches/{id}` under `batchId`.
public struct BatchProgressMessage: Codable, Sendable, Equatable {
    public var type: String
    public var batchId: String
    public var status: BatchStatus
    public var total: Int
    public var pending: Int
    public var completed: Int
    public var failed: Int
    public var cancelled: Int
    public var percent: Double
    /// The callbacks' job ids once enqueued: on `batch:finished` the ones that fell due are set.
    public var callbacks: BatchResource.Callbacks
    public var finishedAt: Date?

    public init(_ batch: BatchSnapshot) {
        let resource = BatchResource(batch)
        type = batch.status == .running ? "batch:progress" : "batch:finished"
        batchId = resource.id
        status = resource.status
        total = resource.total
        pending = resource.pending
        completed = resource.completed
        failed = resource.failed
        cancelled = resource.cancelled
        percent = resource.percent
        callbacks = resource.callbacks
        finishedAt = resource.finishedAt
    }
}
