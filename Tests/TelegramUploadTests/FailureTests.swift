import Conveyor
import ConveyorMediaProbe
import ConveyorTelegramUpload
import ConveyorTesting
import ConveyorVideoDownload
import Foundation
import TestSupport
import Testing

@Suite("video-to-telegram: failures before anything is uploaded")
struct FailureTests {
    let harness: TelegramHarness

    init() async throws {
        harness = try await TelegramHarness()
    }

    @Test("corrupt media fails permanently in the probe; Telegram is never called", arguments: ["truncated.mp4", "not-a-video.txt"])
    func corrupt(_ name: String) async throws {
        let token = try await harness.telegram.token()
        let run = try await harness.run(VideoToTelegramRequest(url: harness.url("/files/\(name)"), chatId: .id(3001)), token: token)
        #expect(run.job.status == .failed && run.job.error?.isPermanent == true)
        #expect(run.failure.hasPrefix("Unreadable media"), "\(run.failure)")
        #expect(try await harness.telegram.requests(token: token).isEmpty)
        #expect(run.memoryAfter == 0)
    }

    @Test("a source that answers 404 fails permanently; Telegram is never called")
    func missingSource() async throws {
        let token = try await harness.telegram.token()
        let run = try await harness.run(VideoToTelegramRequest(url: harness.url("/files/nothing-here.mp4"), chatId: .id(3002)), token: token)
        #expect(run.job.status == .failed && run.job.error?.isPermanent == true)
        #expect(run.failure.contains("not found (HTTP 404)"), "\(run.failure)")
        #expect(run.job.attempts == 1)
        #expect(try await harness.telegram.requests(token: token).isEmpty)
    }

    @Test("a video over TELEGRAM_MAX_UPLOAD fails in the download: before its body when the length is known")
    func overUploadLimit() async throws {
        let token = try await harness.telegram.token()
        let announced = try await harness.run(
            VideoToTelegramRequest(url: harness.url("/files/moov-at-end.mp4"), chatId: .id(3003)), token: token, maxUpload: 100_000)
        #expect(announced.job.status == .failed && announced.job.error?.isPermanent == true)
        #expect(announced.failure == "Video too large: 112.4 kB > 100 kB", "\(announced.failure)")
        #expect(announced.memoryPeak == 0)
        let chunked = try await harness.run(
            VideoToTelegramRequest(url: harness.url("/chunked/moov-at-end.mp4"), chatId: .id(3003)), token: token, maxUpload: 100_000)
        #expect(chunked.job.status == .failed && chunked.job.error?.isPermanent == true)
        #expect(chunked.failure.hasPrefix("Video too large"), "\(chunked.failure)")
        #expect(chunked.memoryAfter == 0)
        #expect(try await harness.telegram.requests(token: token).isEmpty)
    }

    @Test("the upload stage on its own refuses a video over its limit without calling Telegram")
    func stageLimit() async throws {
        let token = try await harness.telegram.token()
        let tester = HandlerTester()
        let buffer = try await tester.memory.makeBuffer(label: "Video")
        try await buffer.append(contentsOf: try FixturePaths.mediaBytes("faststart.mp4"))
        let (info, thumbnail) = try await MediaProber().probe(buffer)
        let video = DownloadedVideo(
            request: VideoToTelegramRequest(url: "https://example.com/a.mp4", chatId: .id(3004)), buffer: buffer, contentType: "video/mp4",
            sha256: nil, sourceURL: "https://example.com/a.mp4")
        let stage = UploadToTelegram<VideoToTelegramRequest>(configuration: harness.configuration(token: token, maxUpload: 10_000))
        let run = await tester.run(stage, ProbedVideo(video: video, info: info, thumbnail: thumbnail))
        #expect(throws: JobError.permanent("Video too large for Telegram: 46 kB > 10 kB (TELEGRAM_MAX_UPLOAD)", code: "video_too_large")) {
            try run.output()
        }
        #expect(try await harness.telegram.requests(token: token).isEmpty)
    }

    @Test("a bad payload is refused at enqueue, naming the field")
    func badPayload() async throws {
        let plugin = TelegramUploadPlugin(telegram: harness.configuration(token: try await harness.telegram.token()))
        let cases: [(String, String)] = [
            (#"{"url": "https://example.com/v.mp4", "chatId": "not a chat"}"#, "payload.chatId: expected a chat id"),
            (#"{"url": "https://example.com/v.mp4", "chatId": 0}"#, "payload.chatId: expected a chat id"),
            (#"{"url": "ftp://example.com/v.mp4", "chatId": 5}"#, #"payload.url: scheme "ftp" is not allowed"#),
            (#"{"url": "https://example.com/v.mp4"}"#, "payload.chatId: required field is missing"),
            (#"{"url": "https://example.com/v.mp4", "chatId": 5, "parseMode": "html"}"#, #"payload.parseMode: "html" is not one of HTML, MarkdownV2, Markdown"#),
            (#"{"url": "https://example.com/v.mp4", "chatId": 5, "caption": 7}"#, "payload.caption: expected String"),
            (#"{"url": "https://example.com/v.mp4", "chatId": 5, "delivery": "exactly-once"}"#,
             #"payload.delivery: expected "at-least-once" or "at-most-once", got "exactly-once""#),
        ]
        try await withTestRuntime(plugins: [plugin]) { runtime in
            for (payload, expected) in cases {
                let refusal = try await enqueueRefusal(runtime, type: VideoToTelegram.name, payload: payload)
                #expect(refusal?.contains(expected) == true, "\(refusal ?? "accepted \(payload)")")
            }
            #expect(try await runtime.store.stats(now: Date()).total == 0)
        }
    }
}
