import Conveyor
import ConveyorAPI
import Foundation
import HummingbirdWSClient
import Logging

/// Follows one job over the server's WebSocket and draws its progress (stage, percent,
/// message) until `job:finished`. On a terminal the bar redraws in place; otherwise each
/// change is a line.
struct JobWatcher {
    let client: ServerClient
    /// `false` for `-q`: nothing but the outcome.
    var drawsProgress = true
    /// The job's attempts, for "attempt 2 of 3 failed".
    var maxAttempts: Int?

    /// The job's `job:finished` message. Ctrl-C meanwhile exits 130 (``Interruption``).
    func watch(_ jobID: String) async throws -> JobFinishedMessage {
        let bar = ProgressBar(enabled: drawsProgress)
        let interruption = Interruption(jobID: jobID) { bar.finish() }
        defer { interruption.stop() }
        let outcome = OutcomeBox()
        var logger = Logger(label: "conveyor.watch")
        logger.logLevel = .critical
        let close = try await WebSocketClient.connect(url: client.webSocketURL, logger: logger) { inbound, outbound, _ in
            let subscribe = try APICoding.encoder.encode(WebSocketSubscription.subscribe(job: jobID))
            try await outbound.write(.text(String(decoding: subscribe, as: UTF8.self)))
            for try await message in inbound.messages(maxSize: 1 << 20) {
                guard case .text(let text) = message, let kind = try? APICoding.decoder.decode(WebSocketMessageKind.self, from: Data(text.utf8)) else {
                    continue
                }
                switch kind.type {
                case JobProgressMessage.type:
                    let event = try ServerClient.decode(JobProgressMessage.self, from: Data(text.utf8))
                    bar.draw(percent: event.progress, stage: event.stage, message: event.message)
                case JobRetryingMessage.type:
                    let event = try ServerClient.decode(JobRetryingMessage.self, from: Data(text.utf8))
                    let wait = max(0, event.runAt.timeIntervalSinceNow)
                    let of = maxAttempts.map { " of \($0)" } ?? ""
                    bar.say("attempt \(event.attempt)\(of) failed\(event.error.map { ": \($0.message)" } ?? ""); next in \(DurationText.format(.milliseconds(Int64(wait * 1000))))")
                case JobFinishedMessage.type:
                    outcome.value = try ServerClient.decode(JobFinishedMessage.self, from: Data(text.utf8))
                    bar.finish()
                    try await outbound.close(.normalClosure, reason: nil)
                    return
                case WebSocketErrorMessage.type:
                    let event = try ServerClient.decode(WebSocketErrorMessage.self, from: Data(text.utf8))
                    outcome.failure = "\(event.message) (\(event.code))"
                    try await outbound.close(.normalClosure, reason: nil)
                    return
                default:
                    continue
                }
            }
        }
        if let failure = outcome.failure { throw ClientError(failure) }
        guard let value = outcome.value else {
            throw ClientError("The server closed the connection before the job finished\(close.map { " (\($0.closeCode))" } ?? "")")
        }
        return value
    }
}

/// What the WebSocket handler saw; read after it returned.
private final class OutcomeBox: @unchecked Sendable {
    // Written by the handler task, read only after `connect` returned (which awaits it).
    var value: JobFinishedMessage?
    var failure: String?
}
