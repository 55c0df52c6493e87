public import Conveyor
public import Foundation
import GRDB

extension SQLiteJobStore {
    public func job(_ id: JobID) async throws -> Job? {
        try await read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT \(SQLiteColumns.job) FROM jobs WHERE id = ?"), arguments: [id.bytes])
                .map(SQLiteColumns.job(from:))
        }
    }

    public func jobs(matching filter: JobFilter) async throws -> JobPage {
        let limit = min(max(filter.limit, 1), 1000)
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let status = filter.status {
            // A literal state lets SQLite pick the partial index that holds it.
            conditions.append(SQLiteColumns.stateCondition(status))
        }
        if let type = filter.type { conditions.append("type = ?"); arguments += [type] }
        if let queue = filter.queue { conditions.append("queue = ?"); arguments += [queue] }
        if let owner = filter.owner { conditions.append("owner = ?"); arguments += [owner] }
        if let cursor = filter.cursor { conditions.append("id < ?"); arguments += [cursor.bytes] }
        if let flow = filter.flowID { conditions.append("flow_id = ?"); arguments += [flow.bytes] }
        if let batch = filter.batchID { conditions.append("batch_id = ?"); arguments += [batch.bytes] }
        if let search = filter.search {
            // lower() folds ASCII letters only, as JobFilter.searchMatches does.
            conditions.append("(id = ? OR instr(lower(CAST(payload AS TEXT)), lower(?)) > 0 OR instr(lower(coalesce(error, '')), lower(?)) > 0)")
            arguments += [JobID(search)?.bytes, search, search]
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        arguments += [limit + 1]
        let sql = "SELECT \(SQLiteColumns.job) FROM jobs \(whereClause) ORDER BY id DESC LIMIT ?"
        let found = try await read { [arguments] db in try Row.fetchAll(db, sql: sql, arguments: arguments).map(SQLiteColumns.job(from:)) }
        let jobs = Array(found.prefix(limit))
        return JobPage(jobs: jobs, nextCursor: found.count > limit ? jobs.last?.id : nil)
    }

    /// Counts come from `job_counts` and `job_finished_seconds`; the oldest queued job is one index
    /// probe per queue and priority; running jobs are few. Nothing here scans the table.
    public func stats(now: Date) async throws -> StoreStats {
        try await read { db in
            var counts: [JobStatus: Int] = [:]
            var byQueue: [String: [JobStatus: Int]] = [:]
            var readyQueues: [String] = []
            for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT queue, state, n FROM job_counts WHERE n > 0")) {
                guard let status = JobStatus(rawValue: row[1]) else { continue }
                counts[status, default: 0] += row[2] as Int
                byQueue[row[0], default: [:]][status, default: 0] += row[2] as Int
                if status == .queued { readyQueues.append(row[0]) }
            }
            let oldestReady = try db.cachedStatement(sql: """
                SELECT run_at FROM jobs WHERE state = 'queued' AND queue = ? AND priority = ? ORDER BY run_at LIMIT 1
                """)
            var oldestQueued: Int64?
            for queue in readyQueues {
                for priority in JobPriority.allCases {
                    if let at = try Int64.fetchOne(oldestReady, arguments: [queue, priority.rank]) {
                        oldestQueued = min(oldestQueued ?? at, at)
                    }
                }
            }
            let oldestRunning = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT min(started_at) FROM jobs WHERE \(SQLiteColumns.stateCondition(.running))"))
            let finished = try Int.fetchOne(
                db.cachedStatement(sql: "SELECT coalesce(sum(n), 0) FROM job_finished_seconds WHERE second >= ?"),
                arguments: [Int64(now.timeIntervalSince1970.rounded(.down)) - 60]) ?? 0
            return StoreStats(
                counts: counts, oldestQueuedAt: oldestQueued.map(SQLiteColumns.date),
                oldestRunningStartedAt: oldestRunning.map(SQLiteColumns.date), finishedLastMinute: finished, byQueue: byQueue)
        }
    }

    public func nextScheduledAt() async throws -> Date? {
        try await read { db in
            try Int64.fetchOne(db.cachedStatement(sql: "SELECT min(run_at) FROM jobs WHERE state = 'scheduled'")).map(SQLiteColumns.date)
        }
    }
}
