/// How a process or one of its checks is doing, ordered so the worst check decides the whole.
public enum HealthStatus: String, Codable, Sendable, Comparable {
    case healthy, degraded, unhealthy

    private var rank: Int {
        switch self {
        case .healthy: 0
        case .degraded: 1
        case .unhealthy: 2
        }
    }

    public static func < (lhs: HealthStatus, rhs: HealthStatus) -> Bool { lhs.rank < rhs.rank }
}
