import Conveyor
@testable import ConveyorETL
import ConveyorPostgres
import ConveyorPostgresConnection
import ConveyorTesting
import Foundation
import TestSupport
import Testing

/// `etl` with PostgreSQL on either side, against the server `make test` starts (a fresh database
/// per test). Plain `swift test` without one skips these with a printed reason.
@Suite("etl: PostgreSQL")
struct ETLPostgresTests {
    @Test("CSV → PostgreSQL: typed columns made from the first batch, quotes and line breaks kept, rejects with reasons")
    func csvToPostgres() async throws {
        guard let url = try await PostgresTestServer.freshDatabase() else { return }
        let scratch = try ETLScratch()
        let run = try await scratch.run("""
            {"source": {"type": "csv", "path": "people.csv"}, "transform": \(peopleTransforms),
             "destination": {"type": "postgres", "url": "\(url)", "table": "people"}}
            """)
        let result = try run.output()
        #expect(result.rowsRead == 8 && result.rowsWritten == 4 && result.rowsRejected == 3 && result.rowsFiltered == 1)
        let types = try await PostgresTestServer.rows(
            "SELECT attname::text, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'people'::regclass AND attnum > 0 ORDER BY attnum",
            on: url)
        #expect(types.map { $0[1] ?? "" } == ["bigint", "text", "bigint", "text", "date", "boolean"])
        let rows = try await PostgresTestServer.rows(
            "SELECT id::text, full_name, age::text, city, joined::text, active::text FROM people ORDER BY id", on: url)
        #expect(rows.map { $0[0] } == ["1", "3", "5", "7"])
        #expect(rows[0] == ["1", "Smith, Alice", "34", "Berlin", "2024-01-15", "true"])
        #expect(rows[1][1] == "Carol \"CJ\" Jones" && rows[1][3] == "New\r\nYork")
        #expect(rows[2][2] == nil && rows[3][3] == "Unknown")
        #expect(run.progress.last?.percent == 100 && run.memoryAfter == 0)
    }

    @Test("append adds, replace swaps in exactly the new rows, upsert updates by key (last row of a batch wins)")
    func modes() async throws {
        guard let url = try await PostgresTestServer.freshDatabase() else { return }
        let scratch = try ETLScratch(batchRows: 10)
        try scratch.write("a.csv", "id,score\n1,10\n2,20\n")
        try scratch.write("b.csv", "id,score\n2,25\n3,30\n2,26\n")
        func load(_ file: String, _ mode: String, key: String = "") async throws {
            let keyJSON = key.isEmpty ? "" : #", "key": ["\#(key)"]"#
            _ = try await scratch.run("""
                {"source": {"type": "csv", "path": "\(file)"}, "transform": [{"op": "cast", "field": "id", "to": "int"}, {"op": "cast", "field": "score", "to": "int"}],
                 "destination": {"type": "postgres", "url": "\(url)", "table": "t_\(mode)", "mode": "\(mode)"\(keyJSON)}}
                """).output()
        }
        func scores(_ table: String) async throws -> [String?] {
            try await PostgresTestServer.rows("SELECT score::text FROM \(table) ORDER BY id, score", on: url).map { $0[0] }
        }
        try await load("a.csv", "append")
        try await load("b.csv", "append")
        #expect(try await scores("t_append") == ["10", "20", "25", "26", "30"])
        try await load("a.csv", "replace")
        try await load("b.csv", "replace")
        #expect(try await scores("t_replace") == ["25", "26", "30"])
        #expect(try await PostgresTestServer.rows("SELECT relname::text FROM pg_class WHERE relname LIKE '%conveyor_replace%'", on: url).isEmpty)
        try await load("a.csv", "upsert", key: "id")
        try await load("b.csv", "upsert", key: "id")
        #expect(try await scores("t_upsert") == ["10", "26", "30"])
    }

    @Test("PostgreSQL query → SQLite and JSON Lines: each column type read as its kind; NULLs kept; a type it cannot read is named")
    func queryTypes() async throws {
        guard let url = try await PostgresTestServer.freshDatabase() else { return }
        for sql in [
            "CREATE TYPE mood AS ENUM ('happy', 'sad')",
            """
            CREATE TABLE source (i int, b bigint, f double precision, n numeric(10,2), ok boolean, d date, ts timestamptz,
                                 u uuid, j jsonb, raw bytea, m mood, note text, span interval)
            """,
            """
            INSERT INTO source VALUES
              (1, 9000000000, 1.5, 12.50, true, '2024-01-15', '2024-01-15 10:30:00+00', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
               '{"k": [1, 2]}', '\\x0102', 'happy', 'tab\there', '1 day'),
              (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
            """,
        ] { try await PostgresTestServer.execute(sql, on: url) }
        let scratch = try ETLScratch()
        let result = try await scratch.run("""
            {"source": {"type": "sql", "store": "\(url)", "query": "SELECT i, b, f, n, ok, d, ts, u, j, raw, m, note FROM source ORDER BY i;"},
             "destination": {"type": "jsonl", "path": "types.jsonl"}}
            """).output()
        #expect(result.rowsRead == 2 && result.rowsWritten == 2)
        let lines = try scratch.text("types.jsonl").split(separator: "\n")
        #expect(lines.first == #"""
            {"i":1,"b":9000000000,"f":1.5,"n":"12.5","ok":true,"d":"2024-01-15","ts":"2024-01-15T10:30:00Z","u":"A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11","j":"{\"k\": [1, 2]}","raw":"AQI=","m":"happy","note":"tab\there"}
            """#)
        #expect(lines.last == #"{"i":2,"b":null,"f":null,"n":null,"ok":null,"d":null,"ts":null,"u":null,"j":null,"raw":null,"m":null,"note":null}"#)

        let toSQLite = try await scratch.run("""
            {"source": {"type": "sql", "store": "\(url)", "query": "SELECT i, f, ok, d FROM source"},
             "destination": {"type": "sqlite", "path": "copy.db", "table": "copy"}}
            """).output()
        #expect(toSQLite.rowsWritten == 2)
        let copied = try scratch.rows("copy.db", "SELECT typeof(i), typeof(f), ok, d FROM copy ORDER BY i")
        #expect(copied[0][0] as String == "integer" && copied[0][1] as String == "real" && copied[0][2] as Int64 == 1 && copied[0][3] as String == "2024-01-15")

        // PostgreSQL → PostgreSQL: the types survive the round trip.
        let copiedBack = try await scratch.run("""
            {"source": {"type": "sql", "store": "\(url)", "query": "SELECT i, b, f, ok, d, ts, note FROM source"},
             "destination": {"type": "postgres", "url": "\(url)", "table": "copy", "mode": "upsert", "key": ["i"]}}
            """).output()
        #expect(copiedBack.rowsWritten == 2)
        #expect(try await PostgresTestServer.rows(
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'copy'::regclass AND attnum > 0 ORDER BY attnum", on: url
        ).map { $0[0] ?? "" } == ["bigint", "bigint", "double precision", "boolean", "date", "timestamp with time zone", "text"])
        #expect(try await PostgresTestServer.rows("SELECT b::text, f::text, ok::text, d::text, (ts = '2024-01-15 10:30:00+00')::text, note FROM copy WHERE i = 1", on: url)
            == [["9000000000", "1.5", "true", "2024-01-15", "true", "tab\there"]])

        let interval = try await scratch.run("""
            {"source": {"type": "sql", "store": "\(url)", "query": "SELECT span FROM source"}, "destination": {"type": "jsonl", "path": "x.jsonl"}}
            """)
        #expect(throws: JobError.permanent(
            "source: column \"span\" has a type ETL does not read (INTERVAL); cast it in the query, e.g. span::text", code: "etl_failed")) {
            try interval.output()
        }
    }

    @Test("a URL without a password takes it from the password file; no error, result or progress shows a password")
    func passwordFile() async throws {
        guard let url = try await PostgresTestServer.freshDatabase() else { return }
        let options = try PostgresStoreOptions(url: url)
        let password = try #require(options.password)
        let bare = url.replacingOccurrences(of: ":\(password)@", with: "@")
        #expect(!bare.contains(password))
        let file = PostgresPassFile(contents: """
            # another server first, then ours with an escaped colon in a wildcard line
            otherhost:*:*:\(options.username):wrong
            \(options.host):\(options.port):*:\(options.username):\(password.replacingOccurrences(of: ":", with: "\\:"))
            """)
        #expect(file.password(for: try PostgresStoreOptions(url: bare)) == password)
        #expect(file.password(for: try PostgresStoreOptions(url: bare.replacingOccurrences(of: "@\(options.host):", with: "@otherhost:"))) == "wrong")

        let scratch = try ETLScratch(passwords: file)
        let loaded = try await scratch.run("""
            {"source": {"type": "csv", "path": "people.csv"}, "destination": {"type": "postgres", "url": "\(bare)", "table": "people"}}
            """)
        #expect(try loaded.output().rowsWritten == 7)

        // Without the file the server refuses; with a bad query the server's message is shown. Neither shows the password.
        let unfiled = try await ETLScratch().run("""
            {"source": {"type": "csv", "path": "people.csv"}, "destination": {"type": "postgres", "url": "\(bare)", "table": "people"}}
            """)
        let missingTable = try await scratch.run("""
            {"source": {"type": "sql", "store": "\(url)", "query": "SELECT * FROM nowhere"}, "destination": {"type": "jsonl", "path": "x.jsonl"}}
            """)
        for run in [unfiled, missingTable] {
            #expect(throws: JobError.self) { try run.output() }
            let said = "\(run.result) \(run.progress.compactMap(\.message))"
            #expect(!said.contains(password), "\(said)")
        }
        // What the server refused stays refused; a server that does not answer may be back later.
        func jobError(_ run: HandlerTestRun<ETLResult>) -> JobError? {
            if case .failure(let error) = run.result { return error as? JobError }
            return nil
        }
        #expect(jobError(unfiled)?.isPermanent == true && jobError(missingTable)?.isPermanent == true)
        let closedPort = try await scratch.run("""
            {"source": {"type": "csv", "path": "people.csv"}, "destination": {"type": "postgres", "url": "postgres://etl@127.0.0.1:1/db", "table": "t"}}
            """)
        let down = try #require(jobError(closedPort))
        #expect(!down.isPermanent && down.message.hasPrefix("destination: postgres://etl@127.0.0.1:1/db: cannot connect"), "\(down)")
        #expect("\(missingTable.result)".contains(#"relation "nowhere" does not exist"#))
        #expect("\(missingTable.result)".contains("\(options.username):***@"))
    }
}

@Suite("etl: PostgreSQL password file")
struct PostgresPassFileTests {
    @Test("a password file others may read stops the worker at start, naming it; none at all is fine")
    func permissions() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("conveyor-pgpass-\(UUID().uuidString)").path
        try "*:*:*:etl:secret\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let directory = try ETLScratch().directory.path
        func read(_ environment: [String: String]) throws(ConfigurationProblem) -> ETLConfiguration {
            try ETLConfiguration.from(config: .environment(environment), destinations: .publicOnly, environment: environment)
        }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        do {
            _ = try read(["CONVEYOR_ETL_DIR": directory, "PGPASSFILE": path])
            Issue.record("a readable password file was accepted")
        } catch {
            #expect(error.lines == ["PGPASSFILE: \(path) may be read by others (mode 644); chmod 600 it"])
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        // The directory holding the password file is never one etl jobs may use.
        #expect(throws: ConfigurationProblem.self) {
            try read(["CONVEYOR_ETL_DIR": FileManager.default.temporaryDirectory.path, "PGPASSFILE": path])
        }
        let configuration = try read(["CONVEYOR_ETL_DIR": directory, "PGPASSFILE": path])
        #expect(configuration.passwords?.password(for: try PostgresStoreOptions(url: "postgres://etl@db.example/shop")) == "secret")
        let none = try read(["CONVEYOR_ETL_DIR": directory, "PGPASSFILE": path + ".missing"])
        #expect(none.passwords == nil)
    }
}
