public import Conveyor
import ConveyorCurl
import Foundation

/// The stage that sends one message over SMTP (libcurl): builds it from the request, sends it
/// to every recipient, and says who the server took it for.
///
/// Retrying: SMTP 4xx replies and network failures are retryable, 5xx permanent; a login the
/// server refuses, a missing STARTTLS and a certificate that does not verify are permanent. When
/// some recipients are refused and others accepted, the job succeeds and lists the refusals —
/// retrying would send the accepted ones a second copy.
public struct SendEmail: Stage {
    public let name = "send"
    public let weight: Double
    private let smtp: SMTPConfiguration

    public init(smtp: SMTPConfiguration, weight: Double = 1) {
        self.smtp = smtp
        self.weight = weight
    }

    /// Sends `request`; throws a `JobError` saying how to treat any failure.
    public func run(_ request: EmailRequest, context: JobContext) async throws -> EmailReceipt {
        let sender: EmailAddress
        if let from = request.from {
            sender = try EmailAddress(parsing: from)
        } else if let from = smtp.from {
            sender = from
        } else {
            throw JobError.permanent("payload.from: missing, and SMTP_FROM is not set", code: "invalid_payload")
        }
        let message = try MailMessage(request, from: sender)
        context.progress(0, "Sending to \(message.recipients.count) recipient\(message.recipients.count == 1 ? "" : "s")")

        var transfer = CurlRequest(url: smtp.url)
        transfer.connectTimeout = smtp.connectTimeout
        transfer.lowSpeedLimit = 1
        transfer.lowSpeedTime = smtp.silenceTimeout
        transfer.caFile = smtp.caFile
        transfer.secrets = [smtp.password].compactMap { $0 }
        transfer.mail = MailEnvelope(
            from: sender.address, recipients: message.recipients, message: message.bytes, username: smtp.username, password: smtp.password,
            requiresTLS: smtp.security != .none)

        let replies: [MailRecipientReply]
        do {
            replies = try await CurlClient().perform(transfer).mailReplies
        } catch let error as CurlError {
            throw Self.jobError(for: error, recipients: message.recipients)
        }
        let refused = replies.filter { !$0.isAccepted }
        let receipt = EmailReceipt(
            messageId: message.messageID,
            accepted: message.recipients.filter { address in !refused.contains { $0.address == address } },
            rejected: refused.map { EmailReceipt.Refusal(address: $0.address, code: $0.code, reason: $0.text) })
        context.progress(1, "Sent to \(receipt.accepted.count) of \(message.recipients.count)")
        context.logger.info("Sent email", metadata: [
            "messageId": "\(message.messageID)", "accepted": "\(receipt.accepted.count)", "rejected": "\(receipt.rejected.count)",
        ])
        return receipt
    }

    /// How a failed send is treated: by the server's reply code when it gave one, else by what
    /// went wrong on the way.
    static func jobError(for error: CurlError, recipients: [String]) -> JobError {
        let refused = error.mailReplies.filter { !$0.isAccepted }
        if !refused.isEmpty && refused.count == recipients.count {
            let list = refused.map { "\($0.address) (\($0.code) \($0.text))" }.joined(separator: ", ")
            let temporary = refused.contains { (400..<500).contains($0.code) }
            let message = "No recipient was accepted: \(list)"
            return temporary ? .retryable(message, code: "smtp_recipients_refused") : .permanent(message, code: "smtp_recipients_refused")
        }
        switch error.code {
        case "login_denied":
            return .permanent("The SMTP server refused the login (check SMTP_USERNAME and SMTP_PASSWORD): \(error.message)", code: "smtp_login_refused")
        case "tls_unavailable":
            return .permanent(
                "The SMTP server does not offer STARTTLS; use smtps:// or, for a local relay, smtp://…?tls=none: \(error.message)",
                code: "smtp_tls_unavailable")
        case "tls_verification_failed":
            return .permanent("The SMTP server's certificate did not verify: \(error.message)", code: "smtp_tls_failed")
        default:
            break
        }
        if let reply = error.responseCode, (500..<600).contains(reply) {
            return .permanent("The SMTP server refused the message (\(reply)): \(error.message)", code: "smtp_refused")
        }
        if let reply = error.responseCode, (400..<500).contains(reply) {
            return .retryable("The SMTP server deferred the message (\(reply)): \(error.message)", code: "smtp_deferred")
        }
        let message = "The SMTP server could not be reached: \(error.message)"
        return error.isPermanent ? .permanent(message, code: "smtp_failed") : .retryable(message, code: "smtp_unavailable")
    }
}
