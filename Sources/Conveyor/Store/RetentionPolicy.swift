/// How long finished jobs are kept before pruning (DESIGN §4: completed 24 h, failed 7 d).
public struct RetentionPolicy: Sendable, Hashable {
    public var completed: Duration
    /// Failed jobs are the dead-letter list: keep them longer, to look at.
    public var failed: Duration
    /// Cancelled jobs follow the completed ones.
    public var cancelled: Duration

    public init(completed: Duration = .seconds(86_400), failed: Duration = .seconds(7 * 86_400), cancelled: Duration? = nil) {
        self.completed = completed
        self.failed = failed
        self.cancelled = cancelled ?? completed
    }
}
