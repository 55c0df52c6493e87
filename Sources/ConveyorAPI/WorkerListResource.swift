/// `GET /api/workers`: the worker processes sharing the store that reported in the last 20 s.
public struct WorkerListResource: Codable, Sendable, Hashable {
    public var workers: [WorkerResource]

    public init(workers: [WorkerResource]) {
        self.workers = workers
    }
}
