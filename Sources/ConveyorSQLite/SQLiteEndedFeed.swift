import Conveyor
import DequeModule
import Foundation
import Synchronization

/// The SQLite store's change feed: jobs that other processes sharing the file ended (completed,
/// failed, cancelled), read from the jobs table in the order they finished, for
/// ``SQLiteJobStore/sharedEvents(wanted:)``. One reader per store, polling every ``interval``
/// while anyone wants the events; rows are read once they are ``lag`` old, so a write that
/// committed a moment after its job finished is still seen. This store's own moves are skipped:
/// its runtime told them already.
final class SQLiteEndedFeed: Sendable {
    static let interval = Duration.milliseconds(250)
    static let lag: TimeInterval = 2
    /// Own moves remembered, at most: enough for minutes at full speed.
    static let ownLimit = 100_000

    /// Where the feed has read up to: the last row's finish time and id.
    struct Cursor: Sendable {
        var finishedAt: Int64
        var id: Data
    }

    private struct State {
        var reader: Task<Void, Never>?
        var own: Set<JobID> = []
        var ownOrder: Deque<JobID> = []
    }

    let feed = SharedEventFeed()
    private let state = Mutex(State())

    /// Starts the reader once; `read` gives the ended jobs after a cursor up to a time, oldest first.
    func start(read: @escaping @Sendable (Cursor, Int64) async throws -> [Job]) {
        state.withLock { state in
            guard state.reader == nil else { return }
            state.reader = Task { [weak self] in
                var cursor: Cursor?
                while !Task.isCancelled {
                    try? await Task.sleep(for: Self.interval)
                    guard let self, self.feed.isWanted else {
                        cursor = nil
                        continue
                    }
                    let until = SQLiteColumns.micros(Date().addingTimeInterval(-Self.lag))
                    var from = cursor ?? Cursor(finishedAt: until, id: Data())
                    while let page = try? await read(from, until), let last = page.last {
                        for job in page where !self.isOwn(job.id) {
                            self.feed.send(.stateChanged(JobStateChange(job)))
                        }
                        from = Cursor(finishedAt: SQLiteColumns.micros(last.finishedAt ?? Date()), id: last.id.bytes)
                        if page.count < SQLiteJobStore.endedPage { break }
                    }
                    cursor = from
                }
            }
        }
    }

    /// Jobs this store ended itself, so the feed does not tell them again.
    func noteOwn(_ ids: [JobID]) {
        guard !ids.isEmpty, feed.isWanted else { return }
        state.withLock { state in
            for id in ids where state.own.insert(id).inserted { state.ownOrder.append(id) }
            while state.ownOrder.count > Self.ownLimit, let oldest = state.ownOrder.popFirst() { state.own.remove(oldest) }
        }
    }

    private func isOwn(_ id: JobID) -> Bool {
        state.withLock { $0.own.contains(id) }
    }

    func stop() {
        state.withLock { $0.reader }?.cancel()
    }
}
