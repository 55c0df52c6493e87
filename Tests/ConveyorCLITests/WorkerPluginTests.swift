import Conveyor
import ConveyorSQLite
import Foundation
import Testing
import TestSupport

/// `conveyor worker` as an operator runs it: plugins configured from the environment, jobs of
/// every new type taken from a SQLite store, and no secret in what the process prints.
@Suite("conveyor worker: built-in plugins from the environment")
struct WorkerPluginTests {
    @Test("video-to-telegram, email and etl run in a worker configured only by environment variables")
    func builtInPlugins() async throws {
        let media = try await FixtureServer.start()
        let telegram = try await BotAPIDouble.start()
        let smtp = try await SMTPTestServer.start()
        let token = try await telegram.token()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("conveyor-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // etl's own directory: never the one holding the job store.
        let etl = directory.appendingPathComponent("etl")
        try FileManager.default.createDirectory(at: etl, withIntermediateDirectories: true)
        try "id,name\n1,Ada\n2,Grace\n".write(to: etl.appendingPathComponent("in.csv"), atomically: true, encoding: .utf8)
        let recipient = "ops-\(UUID().uuidString.prefix(8).lowercased())@example.com"

        let store = try SQLiteJobStore(path: directory.appendingPathComponent("jobs.db").path)
        let payloads = [
            ("video-to-telegram", #"{"url": "\#(media.url("/files/faststart.mp4"))", "chatId": 777, "caption": "From the worker"}"#),
            ("email", #"{"to": ["\#(recipient)"], "subject": "Worker", "text": "Sent by conveyor worker"}"#),
            ("etl", #"{"source": {"type": "csv", "path": "in.csv"}, "destination": {"type": "sqlite", "path": "out.db", "table": "people"}}"#),
        ]
        let ids = try await store.enqueue(payloads.map { NewJob(type: $0.0, payload: Data($0.1.utf8), maxAttempts: 1) }, limits: .none).map(\.job.id)

        let worker = try ProductProcess(
            "conveyor", ["worker", "--store", "sqlite:\(directory.appendingPathComponent("jobs.db").path)", "--workers", "4"],
            environment: [
                "TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_URL": telegram.apiURL, "CONVEYOR_ALLOW_PRIVATE_URLS": "127.0.0.1",
                "SMTP_URL": smtp.startTLSURL, "SMTP_USERNAME": SMTPTestServer.username, "SMTP_PASSWORD": SMTPTestServer.password,
                "SMTP_FROM": "Conveyor <jobs@conveyor.example>", "SMTP_CA_FILE": smtp.certificate,
                "CONVEYOR_ETL_DIR": etl.path, "CONVEYOR_LOG_LEVEL": "debug",
            ])
        let deadline = ContinuousClock.now + .seconds(60)
        var jobs: [Job] = []
        repeat {
            try await Task.sleep(for: .milliseconds(100))
            jobs = try await ids.asyncMap { try #require(try await store.job($0)) }
        } while jobs.contains { !$0.status.isTerminal } && ContinuousClock.now < deadline
        worker.kill(SIGTERM)
        let output = try await worker.finish()
        try await store.close()

        for job in jobs { #expect(job.status == .completed, "\(job.type): \(job.error?.message ?? job.status.rawValue)") }
        #expect(output.status == 0)
        #expect(try await telegram.requests(token: token).first?.fields["caption"] == "From the worker")
        #expect(try smtp.messages(to: recipient).first?.authenticated == true)
        #expect(FileManager.default.fileExists(atPath: etl.appendingPathComponent("out.db").path))
        let printed = output.stdout + output.stderr
        #expect(printed.contains("Sent video to Telegram") && printed.contains("Sent email") && printed.contains("ETL finished"))
        #expect(!printed.contains(String(token.split(separator: ":")[1])), "the bot token was printed")
        #expect(!printed.contains(SMTPTestServer.password), "the SMTP password was printed")
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
