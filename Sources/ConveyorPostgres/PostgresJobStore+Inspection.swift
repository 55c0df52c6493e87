public import Conveyor
public import Foundation
import PostgresNIO

extension PostgresJobStore {
    public func job(_ id: JobID) async throws -> Job? {
        try await statement("read a job") { connection in
            try await PostgresColumns.jobs(try await connection.query(
                "SELECT \(unescaped: PostgresColumns.job) FROM conveyor_jobs WHERE id = \(id.uuid)", logger: self.logger)).first
        }
    }

    public func jobs(matching filter: JobFilter) async throws -> JobPage {
        let limit = min(max(filter.limit, 1), 1000)
        var conditions: [String] = []
        var binds = PostgresBindings()
        func condition(_ sql: String, _ value: some PostgresEncodable & Sendable) throws {
            try binds.append(value)
            conditions.append(sql.replacingOccurrences(of: "?", with: "$\(binds.count)"))
        }
        if let status = filter.status { try condition("state = ?", status.rawValue) }
        if let type = filter.type { try condition("type = ?", type) }
        if let queue = filter.queue { try condition("queue = ?", queue) }
        if let owner = filter.owner { try condition("owner = ?", owner) }
        if let cursor = filter.cursor { try condition("id < ?", cursor.uuid) }
        if let flow = filter.flowID { try condition("flow_id = ?", flow.uuid) }
        if let batch = filter.batchID { try condition("batch_id = ?", batch.uuid) }
        if let search = filter.search {
            // Lowercases ASCII letters only, as JobFilter.searchMatches does (lower() would follow the collation).
            let fold = "translate(%@, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
            binds.append(JobID(search)?.uuid)
            binds.append(search)
            let (id, text) = (binds.count - 1, binds.count)
            let haystacks = ["convert_from(payload, 'UTF8')", "coalesce(error, '')"].map { fold.replacingOccurrences(of: "%@", with: $0) }
            let needle = fold.replacingOccurrences(of: "%@", with: "$\(text)::text")
            conditions.append("(id = $\(id)::uuid OR " + haystacks.map { "strpos(\($0), \(needle)) > 0" }.joined(separator: " OR ") + ")")
        }
        binds.append(limit + 1)
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let query = PostgresQuery(
            unsafeSQL: "SELECT \(PostgresColumns.job) FROM conveyor_jobs \(whereClause) ORDER BY id DESC LIMIT $\(binds.count)", binds: binds)
        let found = try await statement("list jobs") { connection in
            try await PostgresColumns.jobs(try await connection.query(query, logger: self.logger))
        }
        let jobs = Array(found.prefix(limit))
        return JobPage(jobs: jobs, nextCursor: found.count > limit ? jobs.last?.id : nil)
    }

    /// Counts come from the trigger-kept counters; the oldest queued job is one index probe per
    /// queue and priority; running jobs are few. Nothing here scans the table.
    public func stats(now: Date) async throws -> StoreStats {
        try await statement("read stats") { connection in
            var counts: [JobStatus: Int] = [:]
            var byQueue: [String: [JobStatus: Int]] = [:]
            let rows = try await connection.query(
                "SELECT queue, state, sum(n)::bigint FROM conveyor_job_counts GROUP BY queue, state HAVING sum(n) > 0", logger: self.logger)
            for try await (queue, state, n) in rows.decode((String, String, Int).self) {
                guard let status = JobStatus(rawValue: state) else { continue }
                counts[status, default: 0] += n
                byQueue[queue, default: [:]][status, default: 0] += n
            }
            let oldestQueued = try await self.scalar("""
                SELECT min(first.run_at) FROM (
                    SELECT queue FROM conveyor_job_counts WHERE state = 'queued' GROUP BY queue HAVING sum(n) > 0) ready
                CROSS JOIN unnest(\(JobPriority.allCases.map(\.rank))::int8[]) AS p(rank)
                CROSS JOIN LATERAL (
                    SELECT run_at FROM conveyor_jobs WHERE state = 'queued' AND queue = ready.queue AND priority = p.rank
                    ORDER BY run_at LIMIT 1) first
                """, as: Date?.self, on: connection) ?? nil
            // Walked in index order, so entries of jobs finished since are marked dead as they are
            // passed and the next call skips them (a bitmap scan would read them every time).
            let oldestRunning = try await self.scalar("""
                SELECT min(started_at) FROM (SELECT started_at FROM conveyor_jobs WHERE state = 'running' ORDER BY state, id) running
                """, as: Date?.self, on: connection) ?? nil
            let finished = try await self.scalar("""
                SELECT coalesce(sum(n), 0)::bigint FROM conveyor_finished_seconds WHERE second >= \(Int(now.timeIntervalSince1970.rounded(.down)) - 60)
                """, as: Int.self, on: connection) ?? 0
            return StoreStats(
                counts: counts, oldestQueuedAt: oldestQueued, oldestRunningStartedAt: oldestRunning, finishedLastMinute: finished, byQueue: byQueue)
        }
    }

    public func nextScheduledAt() async throws -> Date? {
        try await statement("read the next scheduled time") { connection in
            try await self.scalar("SELECT min(run_at) FROM conveyor_jobs WHERE state = 'scheduled'", as: Date?.self, on: connection) ?? nil
        }
    }
}
