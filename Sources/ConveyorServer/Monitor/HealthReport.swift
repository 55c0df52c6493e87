/// `/health`: an overall status and one entry per check, each with a human detail.
struct HealthReport: Encodable, Sendable {
    struct Check: Encodable, Sendable {
        let status: HealthStatus
        let detail: String
    }

    let status: HealthStatus
    let checks: [String: Check]

    init(checks: [String: Check]) {
        self.checks = checks
        status = checks.values.map(\.status).max() ?? .healthy
    }

    init(checks: [String: Check], status: HealthStatus) {
        self.checks = checks
        self.status = status
    }
}
