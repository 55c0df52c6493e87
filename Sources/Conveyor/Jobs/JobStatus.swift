/// Where a job is in its life (DESIGN §3). `failed` is terminal and doubles as the dead-letter list.
public enum JobStatus: String, Sendable, Codable, CaseIterable, Hashable {
    /// Waiting for its run time (a delay, or a retry backoff).
    case scheduled
    /// Waiting for other jobs it depends on.
    case waiting
    /// Ready to be claimed by a worker.
    case queued
    /// Claimed and running under a worker's lease.
    case running
    /// Finished with a result.
    case completed
    /// Gave up: a permanent error or no attempts left.
    case failed
    /// Cancelled by a user before it finished.
    case cancelled

    /// Terminal jobs never run again unless someone retries them by hand.
    public var isTerminal: Bool { self == .completed || self == .failed || self == .cancelled }

    /// The moves DESIGN §3 allows; stores use it to refuse anything else.
    public func canMove(to next: JobStatus) -> Bool {
        switch (self, next) {
        case (.scheduled, .queued), (.waiting, .queued), (.waiting, .scheduled), (.queued, .running):
            return true
        case (.running, .completed), (.running, .failed), (.running, .scheduled), (.running, .queued):
            return true
        case (.scheduled, .cancelled), (.waiting, .cancelled), (.queued, .cancelled), (.running, .cancelled):
            return true
        case (.failed, .queued), (.cancelled, .queued):
            return true
        default:
            return false
        }
    }
}
