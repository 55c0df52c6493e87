/// `/health` (and `/health/live`, `/health/ready`): an overall status and one entry per check,
/// each with a detail for people, so a probe and an operator read the same answer.
public struct HealthReport: Codable, Sendable, Hashable {
    public struct Check: Codable, Sendable, Hashable {
        public var status: HealthStatus
        public var detail: String

        public init(status: HealthStatus, detail: String) {
            self.status = status
            self.detail = detail
        }
    }

    public var status: HealthStatus
    public var checks: [String: Check]

    /// The worst check decides the overall status.
    public init(checks: [String: Check]) {
        self.checks = checks
        status = checks.values.map(\.status).max() ?? .healthy
    }

    public init(checks: [String: Check], status: HealthStatus) {
        self.checks = checks
        self.status = status
    }
}
