import Foundation

/// A flow as its jobs say it is now (`GET /api/flows/{id}`): nothing about a flow is stored but
/// its jobs, so this can never disagree with them.
public struct FlowSnapshot: Sendable, Hashable {
    /// One dependency inside the flow, by key: `from` must end before `to` runs.
    public struct Edge: Sendable, Hashable, Codable {
        public var from: String
        public var to: String

        public init(from: String, to: String) {
            self.from = from
            self.to = to
        }
    }

    public var id: JobID
    public var name: String?
    public var status: FlowStatus
    /// Jobs per state; every state present, 0 for none.
    public var counts: [JobStatus: Int]
    /// Finished jobs out of all, 0…100.
    public var percent: Double
    /// Oldest first.
    public var jobs: [Job]
    public var edges: [Edge]

    /// The flow `id` made of `jobs` (those carrying its id); `nil` when there are none.
    public init?(id: JobID, jobs: [Job]) {
        let jobs = jobs.filter { $0.flow?.id == id }.sorted { $0.id < $1.id }
        guard let first = jobs.first else { return nil }
        self.id = id
        name = first.flow?.name
        self.jobs = jobs
        var counts = Dictionary(uniqueKeysWithValues: JobStatus.allCases.map { ($0, 0) })
        for job in jobs { counts[job.status, default: 0] += 1 }
        self.counts = counts
        let finished = jobs.filter(\.status.isTerminal).count
        percent = Double(finished) / Double(jobs.count) * 100
        status =
            finished < jobs.count ? .running
            : counts[.completed] == jobs.count ? .completed
            : (counts[.failed] ?? 0) > 0 ? .failed : .cancelled
        let keys = Dictionary(jobs.compactMap { job in job.flow.map { (job.id, $0.key) } }, uniquingKeysWith: { first, _ in first })
        edges = jobs.flatMap { job in
            job.dependsOn.compactMap { dependency in
                guard let from = keys[dependency], let to = job.flow?.key else { return nil }
                return Edge(from: from, to: to)
            }
        }
    }
}
