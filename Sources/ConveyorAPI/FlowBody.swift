/// `POST /api/flows`: a graph of jobs by key (`jobs`, each waiting for others by key or by the id
/// of a job already stored) or a `chain` (each after the one before) — one of the two.
public struct FlowBody: Decodable, Sendable {
    public var name: String?
    public var jobs: [FlowJobBody]?
    public var chain: [EnqueueBody]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, jobs, chain
    }

    public init(from decoder: any Decoder) throws {
        let known = try decoder.container(keyedBy: AnyKey.self)
        if let unknown = known.allKeys.first(where: { CodingKeys(stringValue: $0.stringValue) == nil }) {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath + [unknown], debugDescription: "is not a known field (allowed: name, jobs, chain)"))
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        jobs = try c.decodeIfPresent([FlowJobBody].self, forKey: .jobs)
        chain = try c.decodeIfPresent([EnqueueBody].self, forKey: .chain)
        guard (jobs == nil) != (chain == nil) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath + [CodingKeys.jobs],
                debugDescription: jobs == nil ? "give jobs (a graph) or chain" : "give either jobs or chain, not both"))
        }
    }
}

/// One job of a flow: what `POST /api/jobs` takes, plus its `key`.
public struct FlowJobBody: Decodable, Sendable {
    public var key: String
    public var job: EnqueueBody

    enum CodingKeys: String, CodingKey {
        case key
    }

    public init(from decoder: any Decoder) throws {
        key = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .key)
        job = try EnqueueBody(from: decoder, alsoAllowing: ["key"])
    }
}
