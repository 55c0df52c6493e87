import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `Samples/CustomHandler/Server`: a user's own `conveyor`, built on `ConveyorCommand` with their
/// plugin, run as a process — its job types are served over HTTP, run by its workers and listed
/// for the dashboard beside the built-ins.
@Suite("Your own binary: the custom-handler server sample")
struct OwnBinaryTests {
    @Test("the sample's server runs its own job type over HTTP, lists it beside the built-ins and serves the dashboard")
    func sampleServer() async throws {
        let server = try await ServeProcess.start(binary: "custom-handler-server")
        defer { server.process.kill(SIGKILL) }
        let client = ["CONVEYOR_URL": server.url, "CONVEYOR_TOKEN": server.token]
        let greeted = try await ProductProcess.run(
            "custom-handler-server", ["enqueue", "greet", "--payload", #"{"name":"Ada"}"#, "--wait"], environment: client)
        #expect(greeted.status == 0, "\(greeted.stderr)")
        #expect(greeted.stdout.contains("Hello, Ada!"), "\(greeted.stdout)")
        let refused = try await ProductProcess.run("custom-handler-server", ["enqueue", "greet", "--payload", #"{"nom":"Ada"}"#], environment: client)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("name"), "the payload error names the missing field: \(refused.stderr)")

        // A pipeline's steps, as `status ID` shows them once it finished.
        let id = try await ProductProcess.run("custom-handler-server", ["enqueue", "word-count", "--payload", #""two words""#, "-q"], environment: client)
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let watched = try await ProductProcess.run("custom-handler-server", ["status", id, "--watch", "--json"], environment: client)
        #expect(watched.status == 0, "\(watched.stderr)")
        let shown = try #require(try JSONSerialization.jsonObject(with: Data(watched.stdout.utf8)) as? [String: Any])
        let steps = (shown["steps"] as? [[String: Any]] ?? []).map { "\($0["name"] ?? ""):\($0["status"] ?? "")" }
        #expect(steps == ["split:completed", "count:completed"], "\(watched.stdout)")

        let handlers = try await Self.get(server.url + "/api/handlers", token: server.token)
        #expect(handlers.status == 200)
        for type in ["greet", "word-count", "noop"] { #expect(handlers.body.contains(#""\#(type)""#), "\(type) missing from \(handlers.body)") }
        let dashboard = try await Self.get(server.url + "/", token: nil)
        #expect(dashboard.status == 200 && dashboard.body.contains("<html"))
    }

    @Test("an API process without the bot token or SMTP server knows their types: it validates and accepts their jobs")
    func typesKnownWithoutSecrets() async throws {
        let server = try await ServeProcess.start(["--no-workers"], environment: ["TELEGRAM_BOT_TOKEN": "", "SMTP_URL": ""])
        defer { server.process.kill(SIGKILL) }
        let client = ["CONVEYOR_URL": server.url, "CONVEYOR_TOKEN": server.token]
        let accepted = try await ProductProcess.run(
            "conveyor", ["enqueue", "video-to-telegram", "--payload", #"{"url":"https://example.com/a.mp4","chatId":"@newsroom"}"#], environment: client)
        #expect(accepted.status == 0, "\(accepted.stderr)")
        let refused = try await ProductProcess.run(
            "conveyor", ["enqueue", "email", "--payload", #"{"to":["a@example.com"],"subject":"hi","text":"body","txt":"typo"}"#], environment: client)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("payload.txt"), "the typo is named: \(refused.stderr)")

        let listed = try await Self.get(server.url + "/api/handlers", token: server.token)
        let handlers = try #require(try JSONSerialization.jsonObject(with: Data(listed.body.utf8)) as? [String: Any])["handlers"] as? [[String: Any]]
        let telegram = try #require(handlers?.first { $0["name"] as? String == "video-to-telegram" })
        #expect((telegram["unavailable"] as? String)?.contains("TELEGRAM_BOT_TOKEN") == true)
        let fields = ((telegram["payload"] as? [String: Any])?["fields"] as? [[String: Any]]) ?? []
        #expect(fields.map { $0["name"] as? String } == ["url", "chatId", "caption", "parseMode", "delivery"])
        #expect(fields.map { $0["required"] as? Bool } == [true, true, false, false, false])
        let sleep = try #require(handlers?.first { $0["name"] as? String == "sleep" })
        #expect(sleep["unavailable"] == nil)
        #expect(((sleep["payload"] as? [String: Any])?["example"] as? [String: Any])?["ms"] as? Int == 1500)
    }

    static func get(_ url: String, token: String?) async throws -> (status: Int, body: String) {
        var request = URLRequest(url: URL(string: url)!)
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }
}
