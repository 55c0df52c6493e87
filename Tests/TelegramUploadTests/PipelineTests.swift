import Conveyor
import ConveyorTelegramUpload
import Crypto
import Foundation
import TestSupport
import Testing

@Suite("video-to-telegram: what Telegram receives")
struct PipelineTests {
    let harness: TelegramHarness

    init() async throws {
        harness = try await TelegramHarness()
    }

    @Test("faststart MP4: fields, thumbnail and video as sendVideo expects; progress by stage; memory released")
    func faststart() async throws {
        let token = try await harness.telegram.token()
        let source = try FixturePaths.mediaBytes("faststart.mp4")
        let run = try await harness.run(
            VideoToTelegramRequest(url: harness.url("/files/faststart.mp4"), chatId: .id(424_242), caption: "  Grüße 🎬\n"), token: token)
        #expect(run.job.status == .completed, "\(run.failure)")
        let message = try #require(run.message)
        #expect(message.chatId == 424_242 && message.messageId >= 1 && !message.fileId.isEmpty && message.migratedFrom == nil)

        let requests = try await harness.telegram.requests(token: token)
        let sent = try #require(requests.count == 1 ? requests.first : nil)
        #expect(sent.method == "sendVideo")
        #expect(sent.fields["chat_id"] == "424242")
        #expect(sent.fields["caption"] == "Grüße 🎬")
        #expect(sent.fields["parse_mode"] == nil)
        #expect(sent.fields["duration"] == "2" && sent.fields["width"] == "320" && sent.fields["height"] == "240")
        #expect(sent.fields["supports_streaming"] == "true")
        let attach = try #require(sent.fields["thumbnail"])
        #expect(attach.hasPrefix("attach://"))
        let thumbnail = try #require(sent.files[String(attach.dropFirst("attach://".count))])
        #expect(thumbnail.head.hasPrefix("ffd8ff") && thumbnail.type == "image/jpeg")
        #expect(thumbnail.size > 0 && thumbnail.size < 200_000)
        let video = try #require(sent.files["video"])
        #expect(video.size == source.count)
        #expect(video.sha256 == SHA256.hash(data: source).map { String(format: "%02x", $0) }.joined())
        #expect(video.filename == "faststart.mp4" && video.type == "video/mp4")

        // Progress: the three stages in order, their messages, never backwards, ending at 100.
        var stages: [String] = []
        for stage in run.progress.compactMap(\.stage) where stages.last != stage { stages.append(stage) }
        #expect(stages == ["download", "probe", "upload"])
        let messages = run.progress.compactMap(\.message)
        #expect(messages.contains { $0.hasPrefix("Downloading") })
        #expect(messages.contains("Reading metadata"))
        #expect(messages.contains("Sending to Telegram..."))
        #expect(run.progress.map(\.percent) == run.progress.map(\.percent).sorted())
        #expect(run.progress.last?.percent == 100)
        #expect(run.progress.filter { $0.stage == "probe" }.allSatisfy { (70...80).contains($0.percent) })
        #expect(run.progress.filter { $0.stage == "upload" }.allSatisfy { (80...100).contains($0.percent) })
        #expect(run.memoryAfter == 0 && run.memoryPeak >= source.count)
    }

    @Test("moov-at-end MP4 served chunked: sent without supports_streaming")
    func moovAtEndChunked() async throws {
        let token = try await harness.telegram.token()
        let run = try await harness.run(VideoToTelegramRequest(url: harness.url("/chunked/moov-at-end.mp4"), chatId: .id(1001)), token: token)
        #expect(run.job.status == .completed, "\(run.failure)")
        let sent = try #require(try await harness.telegram.requests(token: token).first)
        #expect(sent.fields["width"] == "640" && sent.fields["height"] == "360" && sent.fields["duration"] == "3")
        #expect(sent.fields["supports_streaming"] == nil)
        #expect(sent.fields["caption"] == nil)
        #expect(sent.files["video"]?.size == 112_433)
        #expect(run.memoryAfter == 0)
    }

    @Test("WebM: sent as video/webm with its size; a rotated MP4 with its upright size")
    func webmAndRotated() async throws {
        let token = try await harness.telegram.token()
        let webm = try await harness.run(VideoToTelegramRequest(url: harness.url("/files/video.webm"), chatId: .id(1002)), token: token)
        #expect(webm.job.status == .completed, "\(webm.failure)")
        let rotated = try await harness.run(VideoToTelegramRequest(url: harness.url("/files/rotated.mp4"), chatId: .id(1002)), token: token)
        #expect(rotated.job.status == .completed, "\(rotated.failure)")
        let requests = try await harness.telegram.requests(token: token)
        try #require(requests.count == 2)
        #expect(requests[0].files["video"]?.type == "video/webm" && requests[0].files["video"]?.filename == "video.webm")
        #expect(requests[0].files["video"]?.size == (try FixturePaths.mediaBytes("video.webm")).count)
        #expect(requests[0].fields["width"] == "320" && requests[0].fields["height"] == "180")
        #expect(requests[0].fields["supports_streaming"] == nil)
        #expect(requests[1].fields["width"] == "240" && requests[1].fields["height"] == "320")
        #expect(requests[1].fields["supports_streaming"] == "true")
    }

    @Test("a long caption is cut to 1024 UTF-16 units at a grapheme boundary, ending in …")
    func longCaption() async throws {
        let token = try await harness.telegram.token()
        let caption = String(repeating: "🇺🇦", count: 300)  // 1200 UTF-16 units
        let run = try await harness.run(
            VideoToTelegramRequest(url: harness.url("/files/faststart.mp4"), chatId: .id(1003), caption: caption), token: token)
        #expect(run.job.status == .completed, "\(run.failure)")
        let sent = try #require(try await harness.telegram.requests(token: token).first?.fields["caption"])
        #expect(sent.utf16.count <= 1024 && sent.hasSuffix("…"))
        #expect(sent.dropLast().allSatisfy { $0 == "🇺🇦" })
        #expect(sent.count == 256)
    }

    @Test("a caption with a parse mode is sent whole with parse_mode")
    func parseMode() async throws {
        let token = try await harness.telegram.token()
        let caption = "<b>Bold</b> and <i>italic</i>"
        let run = try await harness.run(
            VideoToTelegramRequest(url: harness.url("/files/faststart.mp4"), chatId: .username("@conveyor_news"), caption: caption, parseMode: .html),
            token: token)
        #expect(run.job.status == .completed, "\(run.failure)")
        let sent = try #require(try await harness.telegram.requests(token: token).first)
        #expect(sent.fields["caption"] == caption && sent.fields["parse_mode"] == "HTML" && sent.fields["chat_id"] == "@conveyor_news")
    }
}
