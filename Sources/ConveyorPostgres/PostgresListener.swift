import Conveyor
import Foundation
import Logging
import PostgresNIO

/// Holds one connection LISTENing on ``channel``, turning each notification into a wake-up of
/// this process's workers, and on the progress channel, passing other processes' reports on. A lost connection is re-opened with backoff (0.1 s doubling to 5 s);
/// reconnecting also wakes the workers, since notifications sent meanwhile were missed.
struct PostgresListener {
    /// What writers `pg_notify` when jobs become ready.
    static let channel = "conveyor_jobs"

    var client: PostgresClient
    var wakeup: WakeupBroadcaster
    var events: Broadcast<JobEvent>
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
                            wakeup.signal()
                            try await withThrowingDiscardingTaskGroup { group in
                                group.addTask {
                                    for try await _ in wakeups { wakeup.signal() }
                                    throw CancellationError()
                                }
                                for try await notification in progress { relay(notification.payload) }
                                throw CancellationError()
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
        guard events.hasListeners,
              let notice = try? JSONDecoder().decode(PostgresProgressNotice.self, from: Data(payload.utf8)),
              notice.origin != origin
        else { return }
        events.send(notice.event)
    }
}
