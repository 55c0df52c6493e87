public import Conveyor

/// `POST /api/batches`: the batch's `jobs`, or `items` cut into jobs of `chunkSize` items each
/// (every job of `type`, its input an array of items), and the callbacks to enqueue when due.
public struct NewBatchBody: Decodable, Sendable {
    public var name: String?
    public var jobs: [EnqueueBody]?
    /// The items form: the job every chunk becomes, without its payload (the chunk is that).
    public var template: EnqueueBody?
    public var items: [JSONValue]?
    public var chunkSize: Int?
    public var callbacks: [BatchCallbackKind: EnqueueBody]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, jobs, items, chunkSize, onComplete, onSuccess, onFailure
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let fields = try decoder.container(keyedBy: AnyKey.self)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        callbacks = [:]
        for (key, kind) in [(CodingKeys.onComplete, BatchCallbackKind.onComplete), (.onSuccess, .onSuccess), (.onFailure, .onFailure)] {
            if let job = try c.decodeIfPresent(EnqueueBody.self, forKey: key) { callbacks[kind] = job }
        }
        let batchFields = CodingKeys.allCases.map(\.stringValue)
        if fields.contains(AnyKey(stringValue: "items")) {
            guard (try? c.decode([JSONValue].self, forKey: .items)) != nil else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath + [CodingKeys.items], debugDescription: "must be an array"))
            }
            items = try c.decode([JSONValue].self, forKey: .items)
            guard let size = try c.decodeIfPresent(Int.self, forKey: .chunkSize) else {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: decoder.codingPath + [CodingKeys.chunkSize], debugDescription: "is required with items (how many items each job gets)"))
            }
            guard size >= 1 else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath + [CodingKeys.chunkSize], debugDescription: "must be at least 1 (got \(size))"))
            }
            chunkSize = size
            guard !fields.contains(AnyKey(stringValue: "jobs")) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath + [CodingKeys.jobs], debugDescription: "give either jobs or items, not both"))
            }
            let template = try EnqueueBody(from: decoder, alsoAllowing: batchFields)
            guard template.payload == nil else {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: decoder.codingPath + [AnyKey(stringValue: "payload")], debugDescription: "each job's payload is its chunk of items; leave payload out"))
            }
            self.template = template
            jobs = nil
        } else {
            if let unknown = fields.allKeys.first(where: { CodingKeys(stringValue: $0.stringValue) == nil }) {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: decoder.codingPath + [unknown],
                    debugDescription: "is not a known field (allowed: name, jobs, onComplete, onSuccess, onFailure; or type, items, chunkSize and a job's fields)"))
            }
            guard fields.contains(AnyKey(stringValue: "jobs")) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath + [CodingKeys.jobs], debugDescription: "give jobs, or type with items and chunkSize"))
            }
            if fields.contains(AnyKey(stringValue: "chunkSize")) {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath + [CodingKeys.chunkSize], debugDescription: "goes with items, not jobs"))
            }
            jobs = try c.decode([EnqueueBody].self, forKey: .jobs)
            template = nil
            items = nil
            chunkSize = nil
        }
    }

    /// The jobs the body stands for: `jobs` as given, or one job per chunk of `items`.
    public func jobBodies() -> [EnqueueBody] {
        if let jobs { return jobs }
        guard let template, let items, let chunkSize else { return [] }
        return stride(from: 0, to: items.count, by: chunkSize).map { start in
            var job = template
            job.payload = .array(Array(items[start..<min(start + chunkSize, items.count)]))
            return job
        }
    }
}
