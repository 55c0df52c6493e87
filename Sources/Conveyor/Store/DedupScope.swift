/// What a `dedupKey` is unique within: its owner. Two users choosing the same key get two jobs;
/// a key shared across owners would hand one user another's job and payload.
public struct DedupScope: Sendable, Hashable {
    /// The enqueuing user (`nil` for jobs enqueued by code without one).
    public var owner: String?
    public var key: String

    public init(owner: String?, key: String) {
        self.owner = owner
        self.key = key
    }
}

extension NewJob {
    /// The scope of its `dedupKey`, if it has one.
    public var dedupScope: DedupScope? { dedupKey.map { DedupScope(owner: owner, key: $0) } }
}

extension Job {
    /// The scope of its `dedupKey`, if it has one.
    public var dedupScope: DedupScope? { dedupKey.map { DedupScope(owner: owner, key: $0) } }
}
