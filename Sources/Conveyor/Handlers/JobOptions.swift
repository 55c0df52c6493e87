/// The defaults a handler or pipeline gives its jobs; each enqueue may override them.
public struct JobOptions: Sendable, Hashable {
    /// Queue its jobs go to unless the enqueue says otherwise.
    public var queue: String
    public var priority: JobPriority
    public var retry: RetryPolicy
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    /// One attempt's time limit; `nil` takes the runtime's default (10 min).
    public var timeout: Duration?

    public init(
        queue: String = "default", priority: JobPriority = .normal, retry: RetryPolicy = .default,
        maxAttempts: Int = 3, timeout: Duration? = nil
    ) {
        self.queue = queue
        self.priority = priority
        self.retry = retry
        self.maxAttempts = maxAttempts
        self.timeout = timeout
    }
}
