import ConveyorServer
import Foundation
import Testing
import TestSupport

/// The attacks of the adversarial pass on `etl`, through a real `conveyor serve` started as an
/// operator starts it: in a directory holding its SQLite store and a config file with the JWT
/// secret. Each one must be refused, and nothing read, written or lost.
@Suite("security: etl cannot reach the job store, the config or anything outside its directory")
struct ETLAttackTests {
    static let secret = "etl-attack-secret-0123456789abcdefghijkl"

    /// A server's working directory: `conveyor.yaml` with the secret, `conveyor.db` made by the server.
    struct Site {
        let root: URL
        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("conveyor-etl-attack-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            try "conveyor:\n  jwtSecret: \(ETLAttackTests.secret)\n".write(to: root.appendingPathComponent("conveyor.yaml"), atomically: true, encoding: .utf8)
        }
        func path(_ name: String) -> String { root.appendingPathComponent(name).path }
        func remove() { try? FileManager.default.removeItem(at: root) }
    }

    static func tokens() async throws -> (admin: String, alice: String, bob: String) {
        let authority = try await TokenAuthority(secret: secret)
        return (
            try await authority.token(user: "root", admin: true, ttl: .seconds(600)),
            try await authority.token(user: "alice", admin: false, ttl: .seconds(600)),
            try await authority.token(user: "bob", admin: false, ttl: .seconds(600)))
    }

    static func finished(_ base: String, _ id: String, token: String) async throws -> [String: Any] {
        var job: [String: Any] = [:]
        try await waitUntil("job \(id) finished", limit: .seconds(30)) {
            job = try await TestServer.request(base, "GET", "/api/jobs/\(id)", token: token).json
            return ["completed", "failed", "cancelled"].contains(job["status"] as? String ?? "")
        }
        return job
    }

    @Test("with the defaults a user cannot run etl at all, and an admin's etl job has no directory to work in")
    func defaultsGiveNoAccess() async throws {
        let site = try Site()
        defer { site.remove() }
        let (admin, alice, _) = try await Self.tokens()
        let running = try await ServeProcess.start(["--store", "sqlite:conveyor.db"], token: admin, directory: site.root)
        defer { running.process.kill(SIGKILL) }
        let steal: [String: Any] = [
            "type": "etl",
            "payload": [
                "source": ["type": "sql", "store": "sqlite:conveyor.db", "query": "SELECT owner||':'||CAST(payload AS TEXT) AS x FROM jobs"],
                "transform": [["op": "cast", "field": "x", "to": "int"]],
                "destination": ["type": "csv", "path": "out.csv"],
            ],
        ]
        let refused = try await TestServer.request(running.url, "POST", "/api/jobs", token: alice, body: steal)
        #expect(refused.status == 403 && refused.errorCode == "admin_only_type", "\(refused.status) \(refused.errorMessage)")
        #expect(refused.errorMessage.contains("CONVEYOR_ADMIN_ONLY_TYPES"))

        let answer = try await TestServer.request(running.url, "POST", "/api/jobs", token: admin, body: steal.merging(["maxAttempts": 1]) { $1 })
        let job = try await Self.finished(running.url, try #require(answer.json["id"] as? String), token: admin)
        #expect(job["status"] as? String == "failed")
        let error = try #require(job["error"] as? [String: Any])
        #expect((error["message"] as? String ?? "").contains("CONVEYOR_ETL_DIR"), "\(error)")
        #expect(job["result"] == nil || job["result"] is NSNull)
        #expect(!FileManager.default.fileExists(atPath: site.path("out.csv")))
    }

    @Test("an ETL directory that holds, or lies around, the store or the config is refused at start")
    func directoryAroundTheStoreIsRefused() async throws {
        let site = try Site()
        defer { site.remove() }
        let inside = site.root.appendingPathComponent("etl")
        try FileManager.default.createDirectory(at: inside, withIntermediateDirectories: true)
        for directory in [site.root.path, ".", site.root.deletingLastPathComponent().path] {
            let output = try await ProductProcess(
                "conveyor", ["serve", "--port", "0", "--store", "sqlite:conveyor.db"], environment: ["CONVEYOR_ETL_DIR": directory],
                directory: site.root
            ).finish(within: .seconds(60))
            #expect(output.status == 2, "serve started with CONVEYOR_ETL_DIR=\(directory): \(output.stdout)")
            #expect(output.stderr.contains("CONVEYOR_ETL_DIR"), "\(output.stderr)")
        }
        // A store elsewhere, named with another spelling, is found by its real path too.
        let output = try await ProductProcess(
            "conveyor", ["serve", "--port", "0", "--store", "sqlite:etl/../etl/jobs.db"], environment: ["CONVEYOR_ETL_DIR": inside.path],
            directory: site.root
        ).finish(within: .seconds(60))
        #expect(output.status == 2 && output.stderr.contains("jobs.db"), "\(output.stderr)")
        #expect(!FileManager.default.fileExists(atPath: inside.appendingPathComponent("jobs.db").path), "the store was opened before refusing")
    }

    @Test("symlinks and hard links in the ETL directory lead nowhere: not to the store, the config, nor outside; a directory is never replaced")
    func linksLeadNowhere() async throws {
        let site = try Site()
        defer { site.remove() }
        let etl = site.root.appendingPathComponent("etl")
        try FileManager.default.createDirectory(at: etl, withIntermediateDirectories: true)
        let (admin, alice, bob) = try await Self.tokens()
        let running = try await ServeProcess.start(
            ["--store", "sqlite:conveyor.db"], environment: ["CONVEYOR_ETL_DIR": etl.path, "CONVEYOR_ADMIN_ONLY_TYPES": "none", "CONVEYOR_ETL_MAX_OUTPUT": "4KB"],
            token: admin, directory: site.root)
        defer { running.process.kill(SIGKILL) }
        let marker = "bob-private-\(UUID().uuidString)"
        let bobs = try await TestServer.request(running.url, "POST", "/api/jobs", token: bob, body: ["type": "sleep", "payload": ["ms": 1], "dedupKey": marker])
        #expect(bobs.status == 201)

        let fm = FileManager.default
        try fm.createSymbolicLink(atPath: etl.appendingPathComponent("link.db").path, withDestinationPath: "../conveyor.db")
        try fm.linkItem(atPath: site.path("conveyor.db"), toPath: etl.appendingPathComponent("hard.db").path)
        try fm.createSymbolicLink(atPath: etl.appendingPathComponent("config.csv").path, withDestinationPath: site.path("conveyor.yaml"))
        try fm.createSymbolicLink(atPath: etl.appendingPathComponent("passwd.csv").path, withDestinationPath: "/etc/passwd")
        try fm.createDirectory(at: etl.appendingPathComponent("keep"), withIntermediateDirectories: true)
        try "precious\n".write(to: etl.appendingPathComponent("keep/file.txt"), atomically: true, encoding: .utf8)
        try "id,name\n1,Ada\n2,Grace\n".write(to: etl.appendingPathComponent("in.csv"), atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: etl.appendingPathComponent("alias.csv").path, withDestinationPath: "in.csv")
        try String(repeating: "1,\(String(repeating: "x", count: 100))\n", count: 100).write(
            to: etl.appendingPathComponent("big.csv"), atomically: true, encoding: .utf8)
        try ("id,text\n" + (try String(contentsOf: etl.appendingPathComponent("big.csv"), encoding: .utf8))).write(
            to: etl.appendingPathComponent("big.csv"), atomically: true, encoding: .utf8)

        let query = "SELECT owner||':'||COALESCE(dedup_key, '')||CAST(payload AS TEXT) AS x FROM jobs"
        let attacks: [(String, [String: Any], String)] = [
            ("sql on a symlink to the store", ["source": ["type": "sql", "store": "sqlite:link.db", "query": query], "destination": ["type": "csv", "path": "o1.csv"]], "source.store"),
            ("sql on a hard link to the store", ["source": ["type": "sql", "store": "sqlite:hard.db", "query": query], "destination": ["type": "csv", "path": "o2.csv"]], "source.store"),
            ("csv of the config file", ["source": ["type": "csv", "path": "config.csv"], "destination": ["type": "csv", "path": "o3.csv"]], "source.path"),
            ("csv outside", ["source": ["type": "csv", "path": "passwd.csv"], "destination": ["type": "csv", "path": "o4.csv"]], "source.path"),
            ("replace the store's jobs table", ["source": ["type": "csv", "path": "in.csv"], "destination": ["type": "sqlite", "path": "link.db", "table": "jobs", "mode": "replace"]], "destination.path"),
            ("append through the hard link", ["source": ["type": "csv", "path": "in.csv"], "destination": ["type": "sqlite", "path": "hard.db", "table": "jobs", "mode": "append"]], "destination.path"),
            ("a directory as the file destination", ["source": ["type": "csv", "path": "in.csv"], "destination": ["type": "csv", "path": "keep"]], "destination.path"),
            ("more than CONVEYOR_ETL_MAX_OUTPUT", ["source": ["type": "csv", "path": "big.csv"], "destination": ["type": "csv", "path": "big-out.csv"]], "CONVEYOR_ETL_MAX_OUTPUT"),
        ]
        for (name, payload, field) in attacks {
            let answer = try await TestServer.request(running.url, "POST", "/api/jobs", token: alice, body: ["type": "etl", "payload": payload, "maxAttempts": 1])
            #expect(answer.status == 201, "\(name): \(answer.errorMessage)")
            let job = try await Self.finished(running.url, try #require(answer.json["id"] as? String), token: alice)
            let text = String(decoding: try JSONSerialization.data(withJSONObject: job), as: UTF8.self)
            #expect(job["status"] as? String == "failed", "\(name): \(text)")
            let error = job["error"] as? [String: Any] ?? [:]
            #expect(error["permanent"] as? Bool == true, "\(name): \(text)")
            #expect((error["message"] as? String ?? "").contains(field), "\(name): \(text)")
            #expect(!text.contains(marker) && !text.contains(Self.secret) && !text.contains("root:x:0"), "\(name) leaked: \(text)")
        }
        #expect(fm.fileExists(atPath: etl.appendingPathComponent("keep/file.txt").path), "the directory was removed")
        #expect(!fm.fileExists(atPath: etl.appendingPathComponent("big-out.csv").path))
        for name in ["o1.csv", "o2.csv", "o3.csv", "o4.csv"] { #expect(!fm.fileExists(atPath: etl.appendingPathComponent(name).path)) }

        // What stays inside works: a symlink to a file in the directory, into a new file.
        let fine = try await TestServer.request(running.url, "POST", "/api/jobs", token: alice, body: [
            "type": "etl", "payload": ["source": ["type": "csv", "path": "alias.csv"], "destination": ["type": "csv", "path": "out.csv"]],
        ])
        let done = try await Self.finished(running.url, try #require(fine.json["id"] as? String), token: alice)
        #expect(done["status"] as? String == "completed", "\(done)")
        #expect(try String(contentsOf: etl.appendingPathComponent("out.csv"), encoding: .utf8) == "id,name\r\n1,Ada\r\n2,Grace\r\n")

        // The store is whole: bob's job is still there and new jobs run.
        let list = try await TestServer.request(running.url, "GET", "/api/jobs", token: bob)
        #expect(list.status == 200 && String(decoding: list.data, as: UTF8.self).contains(marker))
        let sleep = try await TestServer.request(running.url, "POST", "/api/jobs", token: bob, body: ["type": "sleep", "payload": ["ms": 1]])
        let slept = try await Self.finished(running.url, try #require(sleep.json["id"] as? String), token: bob)
        #expect(slept["status"] as? String == "completed")
    }
}
