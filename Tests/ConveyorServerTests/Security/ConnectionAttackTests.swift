import Foundation
import Testing
import TestSupport

/// One unauthenticated client against a real `conveyor serve`: malformed requests, slow and idle
/// connections, and a flood of connections past the file descriptor limit while jobs run. The
/// server answers each with a status and closes it, stays reachable, and loses no job.
@Suite("security: connections")
struct ConnectionAttackTests {
    /// Runs Tests/Fixtures/http/hostile_client.py against `port`; its JSON, by case.
    static func attack(port: Int, flood: Int) async throws -> [String: [String: Any]] {
        let output = try await OffPool.run { () -> Data in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", FixturePaths.root.appendingPathComponent("http/hostile_client.py").path, "\(port)", "--flood", "\(flood)"]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return data
        }
        return (try JSONSerialization.jsonObject(with: output) as? [String: [String: Any]]) ?? [:]
    }

    @Test("malformed requests get 400/431 and a close; slow and idle connections are closed; a flood past the descriptor limit is refused with 503 and the server lives")
    func hostileClient() async throws {
        let running = try await ServeProcess.start(
            ["--store", "memory:"],
            environment: ["CONVEYOR_HTTP_HEADER_TIMEOUT": "2s", "CONVEYOR_HTTP_BODY_TIMEOUT": "2s", "CONVEYOR_HTTP_IDLE_TIMEOUT": "2s"],
            maxOpenFiles: 600)
        defer { running.process.kill(SIGKILL) }
        let port = try #require(URL(string: running.url)?.port)
        // Jobs running through it all, watched over a WebSocket.
        var ids: [String] = []
        for _ in 0..<20 {
            let answer = try await TestServer.request(running.url, "POST", "/api/jobs", token: running.token, body: ["type": "sleep", "payload": ["ms": 3000]])
            ids.append(try #require(answer.json["id"] as? String))
        }
        let socket = WebSocketProbe(url: running.webSocketURL)
        defer { socket.close() }
        socket.send(#"{"type":"subscribe","topic":"queue"}"#)

        let results = try await Self.attack(port: port, flood: 1500)
        func status(_ name: String) -> String { results[name]?["status"] as? String ?? "none" }
        func closed(_ name: String) -> Bool { results[name]?["closed"] as? Bool == true }
        #expect(status("big_headers").hasPrefix("HTTP/1.1 431") && closed("big_headers"), "\(results["big_headers"] ?? [:])")
        for name in ["cl_and_te", "two_cl", "garbage_line", "no_colon", "nul_header", "bad_chunk"] {
            #expect(status(name).hasPrefix("HTTP/1.1 400") && closed(name), "\(name): \(results[name] ?? [:])")
            let body = results[name]?["body"] as? String ?? ""
            #expect(body.contains(#""code":"bad_request""#), "\(name): \(body)")
        }
        #expect(status("ws_without_upgrade").hasPrefix("HTTP/1.1 426"), "\(results["ws_without_upgrade"] ?? [:])")
        #expect(status("good_chunked").hasPrefix("HTTP/1.1 401"), "a well-formed chunked request reaches the API: \(results["good_chunked"] ?? [:])")
        #expect(status("good").hasPrefix("HTTP/1.1 200"))
        for name in ["slow_headers", "slow_body", "idle_keep_alive"] {
            // The client gives up after 40 s: closed means the server closed it first.
            #expect(closed(name), "\(name) was never closed: \(results[name] ?? [:])")
        }
        #expect(status("slow_headers").hasPrefix("HTTP/1.1 408"), "\(results["slow_headers"] ?? [:])")
        let flood = results["flood"] ?? [:]
        #expect((flood["answered_503"] as? Int ?? 0) > 0, "past the cap, connections are answered 503: \(flood)")
        #expect(status("after_flood").hasPrefix("HTTP/1.1 200"), "reachable once the flood has gone: \(results["after_flood"] ?? [:])")

        #expect(running.process.process.isRunning, "the server died")
        for id in ids {
            var job: [String: Any] = [:]
            try await waitUntil("job \(id) finished", limit: .seconds(60)) {
                job = try await TestServer.request(running.url, "GET", "/api/jobs/\(id)", token: running.token).json
                return job["status"] as? String == "completed" || job["status"] as? String == "failed"
            }
            #expect(job["status"] as? String == "completed", "\(job)")
        }
        let health = try await TestServer.request(running.url, "GET", "/health", token: nil)
        #expect(health.status == 200)
        #expect(health.headers["x-content-type-options"] == "nosniff" && health.headers["referrer-policy"] == "no-referrer" && health.headers["x-frame-options"] == "DENY")
        let dashboard = try await TestServer.request(running.url, "GET", "/", token: nil)
        #expect(dashboard.headers["content-security-policy"]?.contains("frame-ancestors 'none'") == true)
        #expect(socket.closedWith == nil, "the WebSocket subscriber was dropped")
    }
}
