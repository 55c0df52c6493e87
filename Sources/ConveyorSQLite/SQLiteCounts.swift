import Conveyor
import Foundation
import GRDB

/// Changes to `job_counts` and `job_finished_seconds` gathered while a transaction moves
/// jobs, then written as one upsert per queue and state. Triggers would do the same row by
/// row and cost a third of the claim-and-complete throughput.
struct SQLiteCounts {
    private struct Key: Hashable {
        var queue: String
        var state: JobStatus
    }

    private var deltas: [Key: Int] = [:]
    private var finished: [Int64: Int] = [:]

    /// A job of `queue` went from `old` (nil: it is new) to `new` (nil: it is deleted).
    mutating func move(queue: String, from old: JobStatus?, to new: JobStatus?, count: Int = 1) {
        guard old != new else { return }
        if let old { deltas[Key(queue: queue, state: old), default: 0] -= count }
        if let new { deltas[Key(queue: queue, state: new), default: 0] += count }
    }

    /// Completed or failed at `date`, for "finished in the last minute".
    mutating func finishedAt(_ date: Date, count: Int = 1) {
        finished[Int64(date.timeIntervalSince1970.rounded(.down)), default: 0] += count
    }

    func write(_ db: Database) throws {
        let count = try db.cachedStatement(sql: """
            INSERT INTO job_counts (queue, state, n) VALUES (?, ?, ?) ON CONFLICT (queue, state) DO UPDATE SET n = n + excluded.n
            """)
        for (key, delta) in deltas where delta != 0 {
            try count.execute(arguments: [key.queue, key.state.rawValue, delta])
        }
        let second = try db.cachedStatement(sql: """
            INSERT INTO job_finished_seconds (second, n) VALUES (?, ?) ON CONFLICT (second) DO UPDATE SET n = n + excluded.n
            """)
        for (at, n) in finished {
            try second.execute(arguments: [at, n])
        }
    }
}
