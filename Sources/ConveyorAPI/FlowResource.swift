public import Conveyor
import Foundation

/// A flow as the API shows it (`GET /api/flows/{id}`): its state read off its jobs, counts per
/// state, percent finished, every job with its key, and the edges between keys.
public struct FlowResource: Codable, Sendable {
    /// A job of the flow, with its key beside the job's own fields.
    public struct KeyedJob: Codable, Sendable {
        public var key: String
        public var job: JobResource

        enum CodingKeys: String, CodingKey { case key }

        public init(key: String, job: JobResource) {
            self.key = key
            self.job = job
        }

        public init(from decoder: any Decoder) throws {
            key = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .key)
            job = try JobResource(from: decoder)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(key, forKey: .key)
            try job.encode(to: encoder)
        }
    }

    public var id: String
    public var name: String?
    public var status: FlowStatus
    public var counts: [String: Int]
    public var percent: Double
    public var jobs: [KeyedJob]
    public var edges: [FlowSnapshot.Edge]

    public init(_ flow: FlowSnapshot) {
        id = flow.id.description
        name = flow.name
        status = flow.status
        counts = Dictionary(uniqueKeysWithValues: flow.counts.map { ($0.key.rawValue, $0.value) })
        percent = flow.percent
        jobs = flow.jobs.map { KeyedJob(key: $0.flow?.key ?? "", job: JobResource($0)) }
        edges = flow.edges
    }

    enum CodingKeys: String, CodingKey {
        case id, name, status, counts, percent, jobs, edges
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(status, forKey: .status)
        try c.encode(counts, forKey: .counts)
        try c.encode(percent, forKey: .percent)
        try c.encode(jobs, forKey: .jobs)
        try c.encode(edges, forKey: .edges)
    }
}
