public import Foundation

/// The one way every store tells waiting jobs that jobs they depend on ended, in the same
/// transaction as those ends: take the next ended job, move each job waiting on it as
/// ``JobTransitions/dependencyEnded(_:dependency:now:)`` says, and walk on from each one that was
/// cancelled in turn — so nothing downstream of a failure is left waiting. Each store supplies
/// the reads and writes:
///
/// ```swift
/// var walk = DependencyWalk(ended: jobs, now: now)
/// while let ended = walk.next() {
///     for waiting in try dependents(of: ended.id) {
///         if let moved = walk.settle(waiting, after: ended) { try write(moved, over: waiting) }
///     }
/// }
/// ```
public struct DependencyWalk: Sendable {
    private var ended: [Job]
    private let now: Date
    /// Every job the walk moved, by id, as it now is.
    public private(set) var moved: [JobID: Job] = [:]

    /// `ended`: jobs that just ended (completed, failed or cancelled) and may have dependents;
    /// `now` stands in for the end time of one that has none.
    public init(ended: [Job], now: Date) {
        self.ended = ended.filter(\.status.isTerminal)
        self.now = now
    }

    /// The next ended job whose dependents are still to be told.
    public mutating func next() -> Job? {
        ended.popLast()
    }

    /// `waiting` (a job that depends on `dependency`) after hearing it ended; `nil` when it does
    /// not change. A job cancelled here joins the walk.
    public mutating func settle(_ waiting: Job, after dependency: Job) -> Job? {
        // A job that depends on two failed jobs is moved once; the store's copy may be older.
        let current = moved[waiting.id] ?? waiting
        // Released as of when the dependency ended, so times and run-at checks follow the store's clock.
        guard let next = JobTransitions.dependencyEnded(current, dependency: dependency, now: dependency.finishedAt ?? now) else { return nil }
        moved[next.id] = next
        if next.status.isTerminal { ended.append(next) }
        return next
    }
}
