public import Conveyor
import ConveyorCurl
public import ConveyorMediaProbe
import Foundation
import Synchronization

/// The pipeline stage that sends a probed video from memory with the Bot API's `sendVideo`.
///
/// The multipart body is streamed from the video's `MemoryBuffer` — no copy — with the probe's
/// duration, display size and upright JPEG thumbnail (`attach://`), and `supports_streaming`
/// for faststart MP4s. How Telegram's answers are treated:
/// - 429 → run again after `retry_after` seconds without spending an attempt;
/// - 400 with `migrate_to_chat_id` → sent again at once to the new chat, reported in the result;
/// - 413, other 400s, 401, 403, 404 → permanent (401/404 say "bad bot token", never the token);
/// - 5xx and network failures → retryable with the job's backoff.
/// A video over `maxUpload` fails permanently before anything is sent.
///
/// The send is a recorded step (`upload/sendVideo`): once Telegram's answer is recorded, a later
/// attempt returns that message instead of posting again. With the request's `delivery`
/// at-most-once, the step's start is recorded too, and an attempt that finds it started with no
/// answer — or whose answer was lost on the way (a network failure or 5xx after sending) — fails
/// with `outcome_unknown` rather than send a second time.
public struct UploadToTelegram<Request: TelegramDestination>: Stage {
    public let name = "upload"
    public let weight: Double
    private let configuration: TelegramConfiguration

    /// - Parameter weight: the stage's share of the pipeline's progress (20 of 100 in `video-to-telegram`).
    public init(configuration: TelegramConfiguration, weight: Double = 20) {
        self.configuration = configuration
        self.weight = weight
    }

    /// Checks the size, sends, and follows one chat migration; throws a `JobError` saying how to
    /// treat any failure.
    public func run(_ probed: ProbedVideo<Request>, context: JobContext) async throws -> TelegramMessage {
        let video = probed.video
        guard video.byteCount <= configuration.maxUpload else {
            throw JobError.permanent(
                "Video too large for Telegram: \(ByteCount.format(video.byteCount)) > \(ByteCount.format(configuration.maxUpload)) (TELEGRAM_MAX_UPLOAD)",
                code: "video_too_large")
        }
        let request = video.request
        return try await context.step("sendVideo", delivery: request.delivery) { try await post(probed, context: context) }
    }

    /// For at-most-once delivery: a failure after the body may have reached Telegram.
    private static func unknown(_ failure: JobError) -> JobError {
        JobError.permanent("\(failure.message); the video may have been posted, and delivery is at-most-once, so it is not sent again", code: .outcomeUnknown)
    }

    /// Curl failures that mean nothing reached Telegram: no connection was made.
    private static func neverSent(_ error: CurlError) -> Bool {
        ["couldnt_resolve_host", "couldnt_connect", "tls_connect_failed", "tls_verification_failed"].contains(error.code)
    }

    /// Sends, following one chat migration.
    private func post(_ probed: ProbedVideo<Request>, context: JobContext) async throws -> TelegramMessage {
        let video = probed.video
        let request = video.request
        var chat = request.chatId
        var migratedFrom: TelegramChatID?
        context.progress(0, "Sending to Telegram...")
        while true {
            let response = try await send(probed, to: chat, context: context)
            let outcome: Outcome
            do {
                outcome = try Self.outcome(of: response, secret: configuration.token.secret)
            } catch let failure as JobError where request.delivery == .atMostOnce && failure.code == "telegram_unavailable" {
                throw Self.unknown(failure)  // a 5xx: Telegram's front end may have passed it on
            }
            switch outcome {
            case .sent(let message):
                guard let fileId = message.fileId else {
                    throw JobError.permanent("Telegram sent message \(message.messageId) without a file", code: "telegram_bad_answer")
                }
                context.progress(1, "Sent to Telegram as message \(message.messageId)")
                context.logger.info("Sent video to Telegram", metadata: [
                    "chat": "\(message.chat.id)", "message": "\(message.messageId)", "bytes": "\(video.byteCount)",
                ])
                return TelegramMessage(messageId: message.messageId, chatId: message.chat.id, fileId: fileId, migratedFrom: migratedFrom)
            case .migrated(let newChat):
                // Telegram migrates a group once; a second migration answer is a broken API.
                guard migratedFrom == nil else {
                    throw JobError.permanent("Telegram said chat \(newChat) moved again", code: "telegram_bad_answer")
                }
                migratedFrom = chat
                chat = .id(newChat)
                context.logger.notice("Telegram chat migrated to a supergroup", metadata: ["from": "\(request.chatId)", "to": "\(newChat)"])
                context.progress(0, "Chat \(request.chatId) is now \(newChat); sending there")
            }
        }
    }

    private func send(_ probed: ProbedVideo<Request>, to chat: TelegramChatID, context: JobContext) async throws -> CurlResponse {
        let secret = configuration.token.secret
        var request = CurlRequest(url: "\(configuration.apiURL)/bot\(secret)/sendVideo")
        request.secrets = [secret]
        request.maxRedirects = 0
        request.connectTimeout = configuration.connectTimeout
        request.lowSpeedLimit = 1
        request.lowSpeedTime = configuration.silenceTimeout
        request.body = .multipart(parts(for: probed, chat: chat))
        let total = probed.video.byteCount
        let reported = Mutex(-1)
        request.onProgress = { progress in
            guard progress.uploadTotal > 0 else { return }
            let sent = min(progress.uploaded, progress.uploadTotal)
            let percent = sent * 100 / progress.uploadTotal
            guard reported.withLock({ last in defer { last = max(last, percent) }; return percent > last }) else { return }
            let fraction = Double(sent) / Double(progress.uploadTotal)
            context.progress(fraction, String(format: "Sending to Telegram %.1f/%.1f MB", fraction * Double(total) / 1e6, Double(total) / 1e6))
        }
        do {
            return try await CurlClient().perform(request)
        } catch let error as CurlError {
            let message = "Telegram could not be reached: \(error.message)"
            let failure = JobError(code: "telegram_unavailable", message: message, isPermanent: error.isPermanent)
            if probed.video.request.delivery == .atMostOnce && !Self.neverSent(error) { throw Self.unknown(failure) }
            throw failure
        }
    }

    /// `sendVideo`'s form: small fields first, then the thumbnail, then the video itself.
    private func parts(for probed: ProbedVideo<Request>, chat: TelegramChatID) -> [MultipartPart] {
        let request = probed.video.request
        let info = probed.info
        var parts: [MultipartPart] = [.field("chat_id", chat.description)]
        if let caption = TelegramCaption.fit(request.caption, parseMode: request.parseMode) {
            parts.append(.field("caption", caption))
            if let mode = request.parseMode { parts.append(.field("parse_mode", mode.rawValue)) }
        }
        if let duration = info.duration, duration.isFinite, duration > 0 { parts.append(.field("duration", String(Int(duration.rounded())))) }
        if let size = info.displaySize {
            parts.append(.field("width", String(size.width)))
            parts.append(.field("height", String(size.height)))
        }
        if info.faststart == true { parts.append(.field("supports_streaming", "true")) }
        if let thumbnail = probed.thumbnail {
            parts.append(.field("thumbnail", "attach://thumbnail_jpeg"))
            parts.append(.file("thumbnail_jpeg", from: ArrayByteSource(thumbnail.jpeg), filename: "thumbnail.jpg", contentType: "image/jpeg"))
        }
        let file = VideoFileName(format: info.format, sourceURL: probed.video.sourceURL, contentType: probed.video.contentType)
        parts.append(.file("video", from: probed.video.buffer, filename: file.name, contentType: file.contentType))
        return parts
    }

    enum Outcome {
        case sent(BotAPIAnswer.Message)
        case migrated(Int64)
    }

    /// What an answer means for the job; throws the `JobError` for every failure.
    static func outcome(of response: CurlResponse, secret: String) throws -> Outcome {
        let answer = BotAPIAnswer.decode(response.body)
        if let answer, answer.ok, let message = answer.result { return .sent(message) }
        let status = answer?.errorCode ?? response.status
        let said = answer?.description.map { ": " + URLRedaction.redactSecrets(in: String($0.prefix(300)), [secret]) } ?? ""
        if let newChat = answer?.parameters?.migrateToChatId { return .migrated(newChat) }
        switch status {
        case 200..<300:
            throw JobError.permanent(
                "Telegram answered HTTP \(response.status) with something that is not a Bot API answer; the video may have been sent",
                code: "telegram_bad_answer")
        case 429:
            let seconds = answer?.parameters?.retryAfter ?? response.header("Retry-After").flatMap(Int.init)
            guard let seconds else { throw JobError.retryable("Telegram rate limit (HTTP 429)\(said)", code: "telegram_rate_limited") }
            throw JobError.runAgain(after: .seconds(max(seconds, 1)), reason: "Telegram rate limit: retry after \(seconds) s")
        case 413:
            throw JobError.permanent("Telegram refused the video as too large (HTTP 413)\(said)", code: "telegram_too_large")
        case 401, 404:
            throw JobError.permanent("Telegram refused the bot token (HTTP \(status)): bad bot token, check TELEGRAM_BOT_TOKEN", code: "telegram_bad_token")
        case 403:
            throw JobError.permanent("Telegram refused to send (HTTP 403)\(said)", code: "telegram_forbidden")
        case 400..<500:
            throw JobError.permanent("Telegram refused the request (HTTP \(status))\(said)", code: "telegram_bad_request")
        default:
            throw JobError.retryable("Telegram failed (HTTP \(status))\(said)", code: "telegram_unavailable")
        }
    }
}
