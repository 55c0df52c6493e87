/// What a job does when a job it waits for fails or is cancelled. Peers' flows leave a parent
/// waiting forever when a child dies; here every choice ends the wait.
public enum DependencyFailurePolicy: String, Sendable, Codable, Hashable, CaseIterable {
    /// End `cancelled` at once, with error code `dependency_failed` naming the dependency — and so
    /// on for whatever waits on this job.
    case cancel
    /// Run anyway once every dependency has ended; the handler sees which failed
    /// (``JobContext/dependencies``).
    case run
}
