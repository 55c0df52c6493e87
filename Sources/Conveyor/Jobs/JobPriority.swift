/// How eagerly a job is picked. Workers choose among priorities by weight (default 60/30/10)
/// rather than strictly, so a flood of `high` never starves `low`; FIFO holds within one priority.
public enum JobPriority: String, Sendable, Codable, CaseIterable, Hashable, Comparable {
    case high, normal, low

    /// 0 for high … 2 for low: the order stores index and sort by.
    public var rank: Int {
        switch self {
        case .high: 0
        case .normal: 1
        case .low: 2
        }
    }

    /// The priority with the given rank, for stores reading it back.
    public init?(rank: Int) {
        guard let match = JobPriority.allCases.first(where: { $0.rank == rank }) else { return nil }
        self = match
    }

    public static func < (lhs: JobPriority, rhs: JobPriority) -> Bool { lhs.rank < rhs.rank }
}
