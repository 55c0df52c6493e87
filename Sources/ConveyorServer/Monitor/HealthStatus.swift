/// Ordered so the worst check decides the overall status.
enum HealthStatus: String, Encodable, Sendable, Comparable {
    case healthy, degraded, unhealthy

    private var rank: Int {
        switch self {
        case .healthy: 0
        case .degraded: 1
        case .unhealthy: 2
        }
    }

    static func < (lhs: HealthStatus, rhs: HealthStatus) -> Bool { lhs.rank < rhs.rank }
}
