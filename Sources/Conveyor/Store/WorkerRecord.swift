public import Foundation

/// One running worker process as the store knows it: what `GET /api/workers` lists and what the
/// queue stats and `conveyor_workers_*` metrics add up, across every process sharing the store.
public struct WorkerRecord: Sendable, Hashable {
    /// The runtime's `workerID` (host, pid and a random part, unless configured).
    public var id: String
    public var host: String
    public var pid: Int
    public var startedAt: Date
    /// Jobs it runs at once, at most.
    public var concurrency: Int
    /// Jobs it runs now.
    public var running: Int
    /// Attempts it finished since it started.
    public var processed: Int
    /// The queues it works; `nil` for all.
    public var queues: [String]?
    /// It is draining: finishing what it runs, claiming nothing new.
    public var draining: Bool
    /// Its last report; a worker not heard from for ``WorkerRecord/staleAfter`` is gone.
    public var lastSeenAt: Date

    public init(
        id: String, host: String, pid: Int, startedAt: Date, concurrency: Int, running: Int, processed: Int, queues: [String]?,
        draining: Bool, lastSeenAt: Date
    ) {
        self.id = id
        self.host = host
        self.pid = pid
        self.startedAt = startedAt
        self.concurrency = concurrency
        self.running = running
        self.processed = processed
        self.queues = queues
        self.draining = draining
        self.lastSeenAt = lastSeenAt
    }

    /// How often a runtime reports itself.
    public static let reportInterval = Duration.seconds(5)
    /// After how long without a report a worker is taken for gone (killed, or cut off).
    public static let staleAfter: TimeInterval = 20
}
