import Conveyor
import ConveyorPostgresConnection
import Foundation
import Logging
import PostgresNIO

/// Holds one connection LISTENing on ``channel``, turning each notification into a wake-up of
/// this process's workers, and on the progress and ended-jobs channels, passing other
/// processes' events on. A lost connection is re-opened with backoff (0.1 s doubling to 5 s);
/// reconnecting also wakes the workers, since notifications sent meanwhile were missed.
struct PostgresListener {
    /// What writers `pg_notify` when jobs become ready.
    static let channel = "conveyor_jobs"

    var client: PostgresClient
    var wakeup: WakeupBroadcaster
    var events: SharedEventFeed
    /// This store's own id: its own progress reports come back and are skipped.
    var origin: String
    var options: PostgresStoreOptions
    var logger: Logger

    func run() async {
        var delay = Duration.milliseconds(100)
        while !Task.isCancelled {
            let started = ContinuousClock.now
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: Self.channel) { wakeups in
                        try await connection.listen(on: PostgresProgressNotice.channel) { progress in
                            try await connection.listen(on: PostgresFinishedNotice.channel) { ended in
                                wakeup.signal()
                                try await withThrowingDiscardingTaskGroup { group in
                                    group.addTask {
                                        for try await _ in wakeups { wakeup.signal() }
                                        throw CancellationError()
                                    }
                                    group.addTask {
                                        for try await notification in ended { await relayEnded(notification.payload) }
                                        throw CancellationError()
                                    }
                                    for try await notification in progress { relay(notification.payload) }
                                    throw CancellationError()
                                }
                            }
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.info(
                    "LISTEN connection lost; reconnecting",
                    metadata: ["error": "\(PostgresFailure.explain(error, options, doing: "listen"))", "retry.in": "\(delay)"])
            }
            // A connection that stayed up a while resets the backoff.
            if ContinuousClock.now - started > .seconds(30) { delay = .milliseconds(100) }
            do { try await Task.sleep(for: delay) } catch { return }
            delay = min(delay * 2, .seconds(5))
        }
    }

    private func relay(_ payload: String) {
        guard events.isWanted,
              let notice = try? JSONDecoder().decode(PostgresProgressNotice.self, from: Data(payload.utf8)),
              notice.origin != origin
        else { return }
        events.send(notice.event)
    }

    /// Jobs another process ended: read back (for their result or error) and passed on, when
    /// anyone wants them. A job that moved again since (a retry) is told as the notice says it.
    private func relayEnded(_ payload: String) async {
        guard events.isWanted,
              let notice = try? JSONDecoder().decode(PostgresFinishedNotice.self, from: Data(payload.utf8)),
              notice.origin != origin
        else { return }
        let ids = notice.jobs.map(\.id)
        let (client, logger) = (client, logger)
        let read = try? await PostgresFailure.mapping(options, timeout: .seconds(15), doing: "read ended jobs") {
            try await client.withConnection { connection in
                try await PostgresColumns.jobs(connection.query(
                    "SELECT \(unescaped: PostgresColumns.job) FROM conveyor_jobs WHERE id = ANY(\(ids)::uuid[])", logger: logger))
            }
        }
        let jobs = Dictionary((read ?? []).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for ended in notice.jobs {
            guard let status = JobStatus(rawValue: ended.state),
                let change = JobStateChange.relayed(jobs[JobID(ended.id)], status: status, sequence: ended.sequence, timestamp: Date())
            else { continue }
            events.send(.stateChanged(change))
        }
    }
}
