import Conveyor
import ConveyorTelegramUpload
import Foundation
import TestSupport
import Testing

@Suite("video-to-telegram: how each Bot API answer is treated")
struct AnswerTests {
    let harness: TelegramHarness

    init() async throws {
        harness = try await TelegramHarness()
    }

    private func send(
        _ chat: Int64, answering answers: [BotAPIDouble.Answer], logs: LogCapture = LogCapture()
    ) async throws -> (TelegramHarness.Run, [BotAPIDouble.Request]) {
        let token = try await harness.telegram.token(answering: answers)
        let run = try await harness.run(
            VideoToTelegramRequest(url: harness.url("/files/faststart.mp4"), chatId: .id(chat)), token: token, logger: logs.logger())
        return (run, try await harness.telegram.requests(token: token))
    }

    @Test("429: runs again after retry_after, without spending an attempt")
    func rateLimited() async throws {
        let (run, requests) = try await send(2001, answering: [.rateLimited(retryAfter: 1)])
        #expect(run.job.status == .completed, "\(run.failure)")
        try #require(requests.map(\.answer) == [429, 200])
        #expect(requests[1].time - requests[0].time >= 1.0, "the second upload came before retry_after had passed")
        #expect(run.job.attempts == 1)
        #expect(run.states.contains(.scheduled))
        #expect(run.memoryAfter == 0)
    }

    @Test("413: fails permanently after exactly one call")
    func tooLarge() async throws {
        let (run, requests) = try await send(2002, answering: [.tooLarge])
        #expect(run.job.status == .failed && run.job.error?.isPermanent == true)
        #expect(run.failure.contains("too large (HTTP 413)"), "\(run.failure)")
        #expect(requests.count == 1)
        #expect(run.job.attempts == 1 && run.memoryAfter == 0)
    }

    @Test("400 with migrate_to_chat_id: sent again at once to the new chat, which the result reports")
    func migrated() async throws {
        let logs = LogCapture()
        let (run, requests) = try await send(-2003, answering: [.migrated(to: -100_200_300_400)], logs: logs)
        #expect(run.job.status == .completed, "\(run.failure)")
        #expect(requests.map(\.fields["chat_id"]) == ["-2003", "-100200300400"])
        #expect(run.message?.chatId == -100_200_300_400 && run.message?.migratedFrom == .id(-2003))
        #expect(run.job.attempts == 1)
        #expect(logs.all.contains { $0.hasPrefix("Telegram chat migrated to a supergroup") && $0.contains("-100200300400") })
    }

    @Test("5xx: retried with backoff, then sent")
    func serverError() async throws {
        let (run, requests) = try await send(2004, answering: [.badGateway])
        #expect(run.job.status == .completed, "\(run.failure)")
        #expect(requests.map(\.answer) == [502, 200])
        #expect(run.job.attempts == 2)
        #expect(run.memoryAfter == 0)
    }

    @Test("at-most-once: a 5xx may have posted, so the job fails outcome_unknown after one call; a 429 still runs again")
    func atMostOnceServerError() async throws {
        let token = try await harness.telegram.token(answering: [.rateLimited(retryAfter: 1), .badGateway])
        let request = VideoToTelegramRequest(url: harness.url("/files/faststart.mp4"), chatId: .id(2010), delivery: .atMostOnce)
        let run = try await harness.run(request, token: token)
        #expect(run.job.status == .failed && run.job.error?.code == .outcomeUnknown && run.job.error?.isPermanent == true, "\(run.failure)")
        #expect(run.failure.contains("may have been posted"))
        #expect(try await harness.telegram.requests(token: token).map(\.answer) == [429, 502])
    }

    @Test("at-most-once: a Bot API that cannot be connected to was never sent anything, so the job is retried")
    func atMostOnceNeverConnected() async throws {
        let token = try await harness.telegram.token()
        var telegram = harness.configuration(token: token)
        telegram.apiURL = "http://127.0.0.1:9"
        let request = VideoToTelegramRequest(url: harness.url("/files/faststart.mp4"), chatId: .id(2011), delivery: .atMostOnce)
        let run = try await harness.run(request, token: token, telegram: telegram)
        #expect(run.job.status == .failed && run.job.attempts == 3 && run.job.error?.code == "telegram_unavailable", "\(run.failure)")
    }

    @Test("other 400s and 403 fail permanently with Telegram's description")
    func refused() async throws {
        let (badRequest, first) = try await send(2005, answering: [.refused(400, "Bad Request: chat not found")])
        #expect(badRequest.job.status == .failed && badRequest.job.error?.isPermanent == true)
        #expect(badRequest.failure.contains("Bad Request: chat not found") && first.count == 1)
        let (forbidden, second) = try await send(2006, answering: [.refused(403, "Forbidden: bot was blocked by the user")])
        #expect(forbidden.job.status == .failed && forbidden.failure.contains("bot was blocked by the user") && second.count == 1)
    }

    @Test("a token the API does not know (401): permanent \"bad bot token\", the token never shown")
    func badToken() async throws {
        let unknown = "7999999999:AAHnotKnownToTheDoubleAtAll1234567"
        let run = try await harness.run(VideoToTelegramRequest(url: harness.url("/files/faststart.mp4"), chatId: .id(2007)), token: unknown)
        #expect(run.job.status == .failed && run.job.error?.isPermanent == true)
        #expect(run.failure.contains("bad bot token"), "\(run.failure)")
        #expect(!run.failure.contains("AAHnotKnown") && run.job.attempts == 1)
    }
}
