import Conveyor
@testable import ConveyorETL
import ConveyorPostgres
import ConveyorPostgresConnection
import ConveyorTesting
import Foundation
import GRDB
import TestSupport
import Testing

/// Runs `etl` requests in a scratch directory holding copies of the ETL fixtures.
struct ETLScratch {
    let directory: URL
    let configuration: ETLConfiguration

    init(batchRows: Int = 3, passwords: PostgresPassFile? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("conveyor-etl-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for name in ["people.csv", "events.jsonl"] {
            try FileManager.default.copyItem(
                at: FixturePaths.root.appendingPathComponent("etl/\(name)"), to: directory.appendingPathComponent(name))
        }
        // Small batches, so every test crosses batch boundaries.
        configuration = try ETLConfiguration(directory: directory.path, destinations: .any, passwords: passwords, batchRows: batchRows)
    }

    func run(_ json: String) async throws -> HandlerTestRun<ETLResult> {
        let request = try JSONDecoder().decode(ETLRequest.self, from: Data(json.utf8))
        return await HandlerTester().run(ETLHandler(configuration: configuration), request)
    }

    func rows(_ database: String, _ sql: String) throws -> [Row] {
        try DatabaseQueue(path: directory.appendingPathComponent(database).path).read { try Row.fetchAll($0, sql: sql) }
    }

    func text(_ name: String) throws -> String { try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8) }

    func write(_ name: String, _ text: String) throws { try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8) }
}

let peopleTransforms = """
    [{"op": "cast", "field": "id", "to": "int"}, {"op": "cast", "field": "age", "to": "int"},
     {"op": "cast", "field": "joined", "to": "date"}, {"op": "cast", "field": "active", "to": "bool"},
     {"op": "default", "field": "city", "value": "Unknown"}, {"op": "dedupe", "key": ["id"]},
     {"op": "rename", "from": "name", "to": "full_name"}]
    """

@Suite("etl: extract, transform, load")
struct ETLTests {
    @Test("CSV → SQLite: quoting, BOM, CRLF, casts, defaults, dedupe; every row accounted for with reasons")
    func csvToSQLite() async throws {
        let scratch = try ETLScratch()
        let run = try await scratch.run("""
            {"source": {"type": "csv", "path": "people.csv"}, "transform": \(peopleTransforms),
             "destination": {"type": "sqlite", "path": "out.db", "table": "people"}}
            """)
        let result = try run.output()
        #expect(result.rowsRead == 8 && result.rowsWritten == 4 && result.rowsRejected == 3 && result.rowsFiltered == 1)
        #expect(result.rejectSamples.map(\.row) == [2, 4, 7])
        #expect(result.rejectSamples[0].reason == #"age: "not-a-number" is not an int"#)
        #expect(result.rejectSamples[1].reason == "has 4 fields; the header has 6")
        #expect(result.rejectSamples[2].reason == #"joined: "2024-13-45" is not a date"#)
        let rows = try scratch.rows("out.db", "SELECT id, typeof(id) AS t, full_name, age, city, joined, active FROM people ORDER BY id")
        #expect(rows.map { $0["id"] as Int64 } == [1, 3, 5, 7])
        #expect(rows.allSatisfy { $0["t"] as String == "integer" })
        #expect(rows[0]["full_name"] as String == "Smith, Alice")
        #expect(rows[1]["full_name"] as String == "Carol \"CJ\" Jones" && rows[1]["city"] as String == "New\r\nYork")
        #expect((rows[2]["age"] as Int64?) == nil)
        #expect(rows[3]["city"] as String == "Unknown")
        #expect(rows[0]["joined"] as String == "2024-01-15" && rows[0]["active"] as Int64 == 1)
        #expect(run.progress.last?.percent == 100 && run.progress.last?.message == "Loaded 4 rows, rejected 3")
        #expect(run.memoryAfter == 0 && run.peakMemory > 0)
    }

    @Test("append adds, replace swaps in exactly the new rows, upsert updates by key")
    func modes() async throws {
        let scratch = try ETLScratch()
        try scratch.write("a.csv", "id,score\n1,10\n2,20\n")
        try scratch.write("b.csv", "id,score\n2,25\n3,30\n")
        func load(_ file: String, _ mode: String, key: String = "") async throws {
            let keyJSON = key.isEmpty ? "" : #", "key": ["\#(key)"]"#
            _ = try await scratch.run("""
                {"source": {"type": "csv", "path": "\(file)"}, "transform": [{"op": "cast", "field": "id", "to": "int"}, {"op": "cast", "field": "score", "to": "int"}],
                 "destination": {"type": "sqlite", "path": "m.db", "table": "t_\(mode)", "mode": "\(mode)"\(keyJSON)}}
                """).output()
        }
        func scores(_ table: String) throws -> [Int64] { try scratch.rows("m.db", "SELECT score FROM \(table) ORDER BY id, score").map { $0[0] } }
        try await load("a.csv", "append")
        try await load("b.csv", "append")
        #expect(try scores("t_append") == [10, 20, 25, 30])
        try await load("a.csv", "replace")
        try await load("b.csv", "replace")
        #expect(try scores("t_replace") == [25, 30])
        try await load("a.csv", "upsert", key: "id")
        try await load("b.csv", "upsert", key: "id")
        #expect(try scores("t_upsert") == [10, 25, 30])
    }

    @Test("filters keep what they match; a comparison that cannot be made rejects the row")
    func filters() async throws {
        let scratch = try ETLScratch()
        let run = try await scratch.run("""
            {"source": {"type": "csv", "path": "people.csv"},
             "transform": [{"op": "filter", "field": "city", "equals": "Berlin"}, {"op": "filter", "field": "age", "gt": 30}],
             "destination": {"type": "csv", "path": "berlin.csv"}}
            """)
        let result = try run.output()
        // Berlin: rows 1, 6, 7 (row 4 has too few fields); ages 34, 35, 52 are all > 30.
        #expect(result.rowsWritten == 3 && result.rowsRejected == 1 && result.rowsFiltered == 4)
        #expect(try scratch.text("berlin.csv").hasPrefix("id,name,age,city,joined,active\r\n1,\"Smith, Alice\",34,Berlin,2024-01-15,yes\r\n"))
        let text = try await scratch.run("""
            {"source": {"type": "csv", "path": "people.csv"}, "transform": [{"op": "filter", "field": "name", "lt": 5}],
             "destination": {"type": "csv", "path": "none.csv"}}
            """)
        let failed = try text.output()
        #expect(failed.rowsRejected == 8 && failed.rejectSamples[0].reason == #"name: "Smith, Alice" cannot be compared with lt 5"#)
    }

    @Test("JSON Lines → JSON Lines: types kept, nested objects as JSON text, a bad line rejected")
    func jsonLines() async throws {
        let scratch = try ETLScratch()
        let result = try await scratch.run("""
            {"source": {"type": "jsonl", "path": "events.jsonl"}, "transform": [{"op": "filter", "field": "amount", "isNull": false}],
             "destination": {"type": "jsonl", "path": "out.jsonl"}}
            """).output()
        #expect(result.rowsRead == 5 && result.rowsWritten == 3 && result.rowsRejected == 1 && result.rowsFiltered == 1)
        #expect(result.rejectSamples == [ETLResult.Rejection(row: 3, reason: "is not a JSON object")])
        let lines = try scratch.text("out.jsonl").split(separator: "\n")
        #expect(lines.first == #"{"amount":0,"id":1,"kind":"signup","meta":"{\"source\":\"ad\"}","ok":true}"#)
        #expect(lines.last == #"{"amount":5,"id":3,"kind":"purchase","meta":null,"ok":false}"#)
    }

    @Test("SQL round trip: CSV → SQLite → query → CSV")
    func sqlRoundTrip() async throws {
        let scratch = try ETLScratch()
        _ = try await scratch.run("""
            {"source": {"type": "csv", "path": "people.csv"}, "transform": \(peopleTransforms),
             "destination": {"type": "sqlite", "path": "rt.db", "table": "people"}}
            """).output()
        let result = try await scratch.run("""
            {"source": {"type": "sql", "store": "sqlite:rt.db", "query": "SELECT id, full_name, city FROM people WHERE age IS NOT NULL ORDER BY id"},
             "destination": {"type": "csv", "path": "rt.csv"}}
            """).output()
        #expect(result.rowsRead == 3 && result.rowsWritten == 3)
        #expect(try scratch.text("rt.csv") == "id,full_name,city\r\n1,\"Smith, Alice\",Berlin\r\n3,\"Carol \"\"CJ\"\" Jones\",\"New\r\nYork\"\r\n7,Grace,Unknown\r\n")
    }

    @Test("a CSV from a URL")
    func fromURL() async throws {
        let server = try await FixtureServer.serving(FixturePaths.root.appendingPathComponent("etl").path)
        let scratch = try ETLScratch()
        let result = try await scratch.run("""
            {"source": {"type": "csv", "url": "\(server.url("/chunked/people.csv"))"}, "destination": {"type": "jsonl", "path": "web.jsonl"}}
            """).output()
        #expect(result.rowsRead == 8 && result.rowsWritten == 7 && result.rowsRejected == 1)
        let missing = try await scratch.run("""
            {"source": {"type": "csv", "url": "\(server.url("/files/missing.csv"))"}, "destination": {"type": "jsonl", "path": "x.jsonl"}}
            """)
        #expect(throws: JobError.self) { try missing.output() }
    }

    @Test("paths cannot leave the ETL directory; unknown fields fail naming the transform")
    func refusals() async throws {
        let scratch = try ETLScratch()
        for path in ["../../../../etc/passwd", "/etc/passwd"] {
            let run = try await scratch.run(#"{"source": {"type": "csv", "path": "\#(path)"}, "destination": {"type": "csv", "path": "x.csv"}}"#)
            #expect(throws: JobError.permanent("source.path: \"\(path)\" is outside the ETL directory (CONVEYOR_ETL_DIR)", code: "etl_failed")) {
                try run.output()
            }
        }
        let escape = try await scratch.run(#"{"source": {"type": "csv", "path": "people.csv"}, "destination": {"type": "csv", "path": "../x.csv"}}"#)
        #expect(throws: JobError.self) { try escape.output() }
        let unknown = try await scratch.run("""
            {"source": {"type": "csv", "path": "people.csv"}, "transform": [{"op": "cast", "field": "nope", "to": "int"}],
             "destination": {"type": "csv", "path": "x.csv"}}
            """)
        #expect(throws: JobError.permanent(
            "transform[0] (cast): no field \"nope\"; the fields are id, name, age, city, joined, active", code: "etl_failed")) { try unknown.output() }
        #expect(!FileManager.default.fileExists(atPath: scratch.directory.appendingPathComponent("x.csv").path))
    }

    @Test("bad payloads are refused at enqueue, naming the field", arguments: [
        (#"{"source": {"type": "xml", "path": "a"}, "destination": {"type": "csv", "path": "b"}}"#, #"payload.source: type: "xml" is not one of csv, jsonl, sql"#),
        (#"{"source": {"type": "csv", "path": "a", "url": "https://x.example/a"}, "destination": {"type": "csv", "path": "b"}}"#, "payload.source: give exactly one of path and url"),
        (#"{"source": {"type": "csv", "url": "ftp://x.example/a"}, "destination": {"type": "csv", "path": "b"}}"#, "payload.source: url: scheme"),
        (#"{"source": {"type": "csv", "path": "a"}, "transform": [{"op": "cast", "field": "n", "to": "float"}], "destination": {"type": "csv", "path": "b"}}"#, #"payload.transform[0]: to: "float" is not one of int, double, bool, date"#),
        (#"{"source": {"type": "csv", "path": "a"}, "transform": [{"op": "filter", "field": "n"}], "destination": {"type": "csv", "path": "b"}}"#, "payload.transform[0]: filter needs exactly one of"),
        (#"{"source": {"type": "csv", "path": "a"}, "destination": {"type": "sqlite", "path": "b", "table": "t", "mode": "upsert"}}"#, "payload.destination: key: upsert needs"),
        (#"{"source": {"type": "csv", "path": "a"}, "destination": {"type": "sqlite", "path": "b", "table": "drop table;"}}"#, "payload.destination: table:"),
        (#"{"source": {"type": "csv", "path": "a"}, "destination": {"type": "postgres", "url": "postgres://x/db", "table": "t"}}"#, "payload.destination: url: the postgres URL needs a user name"),
        (#"{"source": {"type": "csv", "path": "a"}, "destination": {"type": "postgres", "table": "t"}}"#, "payload.destination: url: required"),
        (#"{"source": {"type": "csv", "path": "a"}, "destination": {"type": "postgres", "url": "postgres://u:hunter2@h/db", "table": "a b"}}"#, "payload.destination: table:"),
        (#"{"source": {"type": "sql", "store": "mysql://u:hunter2@h/db", "query": "SELECT 1"}, "destination": {"type": "csv", "path": "b"}}"#, #"payload.source: store: "mysql://u:***@h/db" must be sqlite:PATH or postgres://"#),
    ])
    func badPayloads(_ payload: String, _ expected: String) async throws {
        let scratch = try ETLScratch()
        try await withTestRuntime(plugins: [ETLPlugin(configuration: scratch.configuration)]) { runtime in
            let refusal = try await enqueueRefusal(runtime, type: "etl", payload: payload)
            #expect(refusal?.contains(expected) == true, "\(refusal ?? "accepted \(payload)")")
        }
    }
}

@Suite("etl: CSV blocks")
struct CSVBlockTests {
    @Test("blocks cut anywhere — inside quotes, between CR and LF, mid-character — give the same rows")
    func blockBoundaries() throws {
        let path = FixturePaths.root.appendingPathComponent("etl/people.csv").path
        func rows(blockSize: Int) throws -> ([String], [[ETLValue]], [ETLResult.Rejection]) {
            var columns: [String] = []
            var rows: [[ETLValue]] = []
            var rejected: [ETLResult.Rejection] = []
            let file = SourceFile(handle: try #require(FileHandle(forReadingAtPath: path)), name: path)
            try CSVFileSource(file: file, delimiter: ",", blockSize: blockSize).read(rows: 2, bytes: 1 << 20, shouldStop: { false }) { batch in
                columns = batch.columns
                rows += batch.rows.map(\.values)
                rejected += batch.rejected
            }
            return (columns, rows, rejected)
        }
        let whole = try rows(blockSize: 1 << 20)
        #expect(whole.0 == ["id", "name", "age", "city", "joined", "active"])
        #expect(whole.1.count == 7 && whole.2.map(\.row) == [4])
        #expect(whole.1[2][3] == .text("New\r\nYork"))
        for size in [1, 2, 3, 7, 16, 61] {
            let cut = try rows(blockSize: size)
            #expect(cut.0 == whole.0 && cut.1 == whole.1 && cut.2 == whole.2, "block size \(size)")
        }
    }
}

@Suite("etl: dates")
struct CivilDateTests {
    @Test("yyyy-MM-dd both ways, every day from 1900 to 2100, agrees with Foundation's calendar")
    func roundTrip() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let start = try #require(calendar.date(from: DateComponents(year: 1900, month: 1, day: 1)))
        for offset in stride(from: 0, to: 73_000, by: 1) {
            let date = start.addingTimeInterval(Double(offset) * 86_400)
            let parts = calendar.dateComponents([.year, .month, .day], from: date)
            let civil = CivilDate(daysSince1970: Int(date.timeIntervalSince1970 / 86_400))
            guard civil.year == parts.year, civil.month == parts.month, civil.day == parts.day, CivilDate(civil.description)?.date == date else {
                Issue.record("\(civil) vs \(parts)")
                return
            }
        }
        for bad in ["2024-13-01", "2023-02-29", "2024-02-30", "2024-1-01", "2024/01/01", "20240101xx"] { #expect(CivilDate(bad) == nil, "\(bad)") }
        #expect(CivilDate("2024-02-29") != nil)
    }
}

@Suite("etl: cancellation")
struct ETLCancellationTests {
    @Test("cancelling a running load stops it between batches; the old table stays, the scratch table goes, memory is freed")
    func cancel() async throws {
        let scratch = try ETLScratch(batchRows: 100)
        try scratch.write("small.csv", "id,value\n1,1\n")
        // The big source is a pipe the test holds open, so the load cannot reach its end before
        // the cancel lands, however slow the machine.
        let pipe = scratch.directory.appendingPathComponent("big.csv").path
        #expect(mkfifo(pipe, 0o600) == 0)
        let release = DispatchSemaphore(value: 0)
        // The load closes its end when it stops; the writer then gets EPIPE, not a fatal signal.
        signal(SIGPIPE, SIG_IGN)
        let writer = Thread {
            guard let handle = FileHandle(forWritingAtPath: pipe) else { return }
            // More than one 4 MB read block, so batches are loaded while the pipe stays open.
            try? handle.write(contentsOf: Data(("id,value\n" + (1...600_000).map { "\($0),\($0 * 7)" }.joined(separator: "\n") + "\n").utf8))
            release.wait()
            try? handle.close()
        }
        writer.start()
        let plugin = ETLPlugin(configuration: scratch.configuration)
        let job = try await withTestRuntime(plugins: [plugin]) { runtime in
            // A table to replace: it must survive the cancelled replacement.
            let first = try await runtime.enqueue(JobRequest(type: "etl", payload: Data("""
                {"source": {"type": "csv", "path": "small.csv"}, "destination": {"type": "sqlite", "path": "c.db", "table": "t", "mode": "replace"}}
                """.utf8))).job.id
            #expect(try await runtime.waitUntilFinished(first, pollEvery: .milliseconds(10)).status == .completed)
            let events = runtime.events()
            let id = try await runtime.enqueue(JobRequest(type: "etl", payload: Data("""
                {"source": {"type": "csv", "path": "big.csv"}, "destination": {"type": "sqlite", "path": "c.db", "table": "t", "mode": "replace"}}
                """.utf8))).job.id
            for await event in events {
                if case .progress(let update) = event, update.jobID == id, update.progress.message?.hasPrefix("Loaded") == true { break }
            }
            _ = try await runtime.cancel(id)
            release.signal()
            let job = try await runtime.waitUntilFinished(id, pollEvery: .milliseconds(10))
            // The loading thread stops at its next batch; then the job's memory is released.
            var held = runtime.memory.stats.current
            for _ in 0..<500 where held > 0 {
                try await Task.sleep(for: .milliseconds(20))
                held = runtime.memory.stats.current
            }
            #expect(held == 0)
            return job
        }
        #expect(job.status == .cancelled)
        let count: Int64? = try scratch.rows("c.db", "SELECT count(*) FROM t").first?[0]
        #expect(count == 1)
        #expect(try scratch.rows("c.db", "SELECT name FROM sqlite_master WHERE name LIKE '%conveyor_replace%'").isEmpty)
    }
}
