/// What a registry says about one job type, for `GET /api/handlers` and the dashboard.
public struct HandlerDescription: Sendable, Hashable, Codable {
    /// One stage of a pipeline and its share of the progress.
    public struct StageInfo: Sendable, Hashable, Codable {
        public var name: String
        public var weight: Double

        public init(name: String, weight: Double) {
            self.name = name
            self.weight = weight
        }
    }

    public var name: String
    /// "handler" or "pipeline".
    public var kind: String
    /// The plugin that registered it, when known.
    public var plugin: String?
    public var queue: String
    public var priority: JobPriority
    public var maxAttempts: Int
    /// Seconds, when the type sets its own timeout.
    public var timeoutSeconds: Double?
    /// Empty for a plain handler.
    public var stages: [StageInfo]
    /// The payload's fields and an example.
    public var payload: PayloadDescription
    /// Why this process cannot run the type though it knows it (a plugin's setting it lacks);
    /// `nil` when it can. Jobs are still accepted and validated here, and run where it is set.
    public var unavailable: String?
}
