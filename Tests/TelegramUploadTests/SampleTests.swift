import Foundation
import Testing
import TestSupport

@Suite("the video-to-telegram sample binary")
struct SampleTests {
    let harness: TelegramHarness

    init() async throws {
        harness = try await TelegramHarness()
    }

    private func environment(token: String) -> [String: String] {
        ["TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_URL": harness.telegram.apiURL, "CONVEYOR_ALLOW_PRIVATE_URLS": "127.0.0.1", "TELEGRAM_MAX_UPLOAD": ""]
    }

    @Test("sends the video and prints the message id; progress on stderr; the token nowhere; a SQLite store if asked")
    func sends() async throws {
        let token = try await harness.telegram.token()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("v2t-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("jobs.db").path
        let output = try await ProductProcess.run(
            "video-to-telegram",
            [harness.url("/files/faststart.mp4"), "--chat", "-100777", "--caption", "From the sample", "--store", "sqlite:\(database)"],
            environment: environment(token: token))
        #expect(output.status == 0, "\(output.stderr)")
        let sent = try #require(try await harness.telegram.requests(token: token).first)
        #expect(sent.fields["chat_id"] == "-100777" && sent.fields["caption"] == "From the sample")
        let id = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(Int(id) != nil, "stdout: \(output.stdout)")
        #expect(output.stderr.contains("Sent to chat -100777 as message \(id)."))
        #expect(output.stderr.contains("download") && output.stderr.contains("upload: Sending to Telegram"))
        #expect(FileManager.default.fileExists(atPath: database))
        let secret = String(token.split(separator: ":")[1])
        #expect(!output.stdout.contains(secret) && !output.stderr.contains(secret))
    }

    @Test("without TELEGRAM_BOT_TOKEN: exit 2 and one line saying so")
    func missingToken() async throws {
        var environment = environment(token: "")
        environment["TELEGRAM_BOT_TOKEN"] = ""
        let output = try await ProductProcess.run("video-to-telegram", [harness.url("/files/faststart.mp4"), "--chat", "5"], environment: environment)
        #expect(output.status == 2)
        #expect(output.stderr == "video-to-telegram: TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and export its token\n")
        #expect(output.stdout.isEmpty)
    }

    @Test("without --chat: exit 2, as the help says, naming the option")
    func missingChat() async throws {
        let output = try await ProductProcess.run("video-to-telegram", [harness.url("/files/faststart.mp4")], environment: environment(token: "1:x"))
        #expect(output.status == 2)
        #expect(output.stderr.contains("Missing expected argument '--chat <chat>'"), "\(output.stderr)")
    }

    @Test("a failing job: exit 1 with one clear line, the token nowhere")
    func failure() async throws {
        let token = try await harness.telegram.token()
        let output = try await ProductProcess.run(
            "video-to-telegram", [harness.url("/files/missing.mp4"), "--chat", "@conveyor_news"], environment: environment(token: token))
        #expect(output.status == 1)
        let last = output.stderr.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix("video-to-telegram: ") && last.hasSuffix("/files/missing.mp4: not found (HTTP 404)"), "\(output.stderr)")
        #expect(output.stdout.isEmpty)
        #expect(!output.stderr.contains(String(token.split(separator: ":")[1])))
        #expect(try await harness.telegram.requests(token: token).isEmpty)
    }
}
