public import Conveyor
public import Foundation

/// A batch as the API shows it (`GET /api/batches/{id}`, DESIGN §12).
public struct BatchResource: Codable, Sendable {
    /// The id of each callback's job once enqueued, `null` before (or when it never will be).
    public struct Callbacks: Codable, Sendable, Equatable {
        public var onComplete: String?
        public var onSuccess: String?
        public var onFailure: String?

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(onComplete, forKey: .onComplete)
            try c.encode(onSuccess, forKey: .onSuccess)
            try c.encode(onFailure, forKey: .onFailure)
        }
    }

    public var id: String
    public var name: String?
    public var status: BatchStatus
    public var total: Int
    public var pending: Int
    public var completed: Int
    public var failed: Int
    public var cancelled: Int
    public var percent: Double
    public var callbacks: Callbacks
    public var createdAt: Date
    public var finishedAt: Date?

    public init(_ batch: BatchSnapshot) {
        id = batch.id.description
        name = batch.name
        status = batch.status
        total = batch.total
        pending = batch.pending
        completed = batch.completed
        failed = batch.failed
        cancelled = batch.cancelled
        percent = batch.percent
        callbacks = Callbacks(
            onComplete: batch.callbacks[.onComplete]??.description, onSuccess: batch.callbacks[.onSuccess]??.description,
            onFailure: batch.callbacks[.onFailure]??.description)
        createdAt = batch.createdAt
        finishedAt = batch.finishedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, name, status, total, pending, completed, failed, cancelled, percent, callbacks, createdAt, finishedAt
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(status, forKey: .status)
        try c.encode(total, forKey: .total)
        try c.encode(pending, forKey: .pending)
        try c.encode(completed, forKey: .completed)
        try c.encode(failed, forKey: .failed)
        try c.encode(cancelled, forKey: .cancelled)
        try c.encode(percent, forKey: .percent)
        try c.encode(callbacks, forKey: .callbacks)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(finishedAt, forKey: .finishedAt)
    }
}
