import Conveyor
import ConveyorTelegramUpload
import Foundation
import TestSupport
import Testing

@Suite("video-to-telegram: the bot token never shows")
struct SecretTests {
    @Test("not in logs (at trace level), errors, results or progress, whatever Telegram answers")
    func tokenNeverShown() async throws {
        let harness = try await TelegramHarness()
        let logs = LogCapture()
        var runs: [TelegramHarness.Run] = []
        var tokens: [String] = []
        let scripts: [[BotAPIDouble.Answer]] = [[], [.rateLimited(retryAfter: 1)], [.badGateway], [.tooLarge], [.refused(400, "Bad Request: chat not found")]]
        for answers in scripts {
            let token = try await harness.telegram.token(answering: answers)
            tokens.append(token)
            runs.append(try await harness.run(
                VideoToTelegramRequest(url: harness.url("/files/faststart.mp4"), chatId: .id(4001)), token: token, logger: logs.logger()))
        }
        // An unknown token (401), and an API that cannot be reached (a network error naming the URL).
        let unknown = "7999999998:AAHneverScriptedForTheDouble98765"
        tokens.append(unknown)
        runs.append(try await harness.run(
            VideoToTelegramRequest(url: harness.url("/files/faststart.mp4"), chatId: .id(4001)), token: unknown, logger: logs.logger()))
        let unreachable = "7999999997:AAHpointedAtAClosedPort1234567890"
        tokens.append(unreachable)
        runs.append(try await harness.run(
            VideoToTelegramRequest(url: harness.url("/files/faststart.mp4"), chatId: .id(4001)), token: unreachable,
            telegram: TelegramConfiguration(token: TelegramBotToken(unreachable)!, apiURL: "http://127.0.0.1:9", connectTimeout: .seconds(2)),
            logger: logs.logger()))

        #expect(runs.map(\.job.status) == [.completed, .completed, .completed, .failed, .failed, .failed, .failed])
        #expect(runs.last?.failure.contains("Telegram could not be reached") == true, "\(runs.last?.failure ?? "")")
        #expect(runs.last?.failure.contains("/bot***/sendVideo") == true, "the error names the redacted URL")
        #expect(!logs.all.isEmpty)
        let shown = logs.all + runs.flatMap { run in
            run.announced + run.progress.compactMap(\.message) + [run.failure, run.job.result.map { String(decoding: $0, as: UTF8.self) } ?? ""]
        }
        for token in tokens {
            let secretPart = String(token.split(separator: ":")[1])
            #expect(!shown.contains { $0.contains(secretPart) }, "the token appeared")
        }
        #expect(runs.allSatisfy { $0.memoryAfter == 0 })
    }

    @Test("a token prints as *** in interpolation, dumps and configuration descriptions")
    func tokenPrinting() throws {
        let token = try #require(TelegramBotToken("123456789:AAHsecretsecretsecretsecret00"))
        let configuration = TelegramConfiguration(token: token)
        var dumped = ""
        dump(configuration, to: &dumped)
        for text in ["\(token)", String(describing: token), String(reflecting: token), "\(configuration)", dumped] {
            #expect(!text.contains("AAHsecret"), "\(text)")
        }
    }
}
