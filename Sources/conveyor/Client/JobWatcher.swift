import Foundation
import HummingbirdWSClient
import Logging

/// Follows one job over the server's WebSocket and draws its progress (stage, percent,
/// message) until `job:finished`. On a terminal the bar redraws in place; otherwise each
/// change is a line.
struct JobWatcher {
    let client: ServerClient

    /// The `job:finished` message's fields.
    func watch(_ jobID: String) async throws -> [String: Any] {
        let bar = ProgressBar()
        let outcome = OutcomeBox()
        var logger = Logger(label: "conveyor.watch")
        logger.logLevel = .critical
        let close = try await WebSocketClient.connect(url: client.webSocketURL, logger: logger) { inbound, outbound, _ in
            try await outbound.write(.text(#"{"type":"subscribe","topic":"job","jobId":"\#(jobID)"}"#))
            for try await message in inbound.messages(maxSize: 1 << 20) {
                guard case .text(let text) = message,
                    let event = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
                else { continue }
                switch event["type"] as? String {
                case "job:progress":
                    bar.draw(percent: event["progress"] as? Double ?? 0, stage: event["stage"] as? String, message: event["message"] as? String)
                case "job:finished":
                    outcome.value = event
                    bar.finish()
                    try await outbound.close(.normalClosure, reason: nil)
                    return
                case "error":
                    outcome.failure = "\(event["message"] as? String ?? "error") (\(event["code"] as? String ?? ""))"
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
    var value: [String: Any]?
    var failure: String?
}
