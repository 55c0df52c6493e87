public import Conveyor
public import Foundation

/// One worker process in `GET /api/workers`.
public struct WorkerResource: Codable, Sendable, Hashable {
    public var id: String
    public var host: String
    public var pid: Int
    /// `busy` (running jobs), `idle`, or `draining` (stopping: no new claims).
    public var status: String
    public var concurrency: Int
    public var running: Int
    public var processed: Int
    /// `null`: every queue.
    public var queues: [String]?
    public var startedAt: Date
    public var lastSeenAt: Date

    enum CodingKeys: String, CodingKey {
        case id, host, pid, status, concurrency, running, processed, queues, startedAt, lastSeenAt
    }

    public init(_ worker: WorkerRecord) {
        id = worker.id
        host = worker.host
        pid = worker.pid
        status = worker.draining ? "draining" : worker.running > 0 ? "busy" : "idle"
        concurrency = worker.concurrency
        running = worker.running
        processed = worker.processed
        queues = worker.queues
        startedAt = worker.startedAt
        lastSeenAt = worker.lastSeenAt
    }

    // `queues` is `null` (not missing) for a worker of every queue.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(host, forKey: .host)
        try c.encode(pid, forKey: .pid)
        try c.encode(status, forKey: .status)
        try c.encode(concurrency, forKey: .concurrency)
        try c.encode(running, forKey: .running)
        try c.encode(processed, forKey: .processed)
        try c.encode(queues, forKey: .queues)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(lastSeenAt, forKey: .lastSeenAt)
    }
}
