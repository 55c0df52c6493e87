public import Conveyor

/// `email {to, cc?, bcc?, from?, replyTo?, subject, text?, html?, headers?}` →
/// `{messageId, accepted, rejected}`: one message over SMTP (see `SendEmail`).
public struct EmailHandler: JobHandler {
    public static let name = "email"
    public static let example: EmailRequest? = EmailRequest(to: ["ada@example.com"], subject: "Your report is ready", text: "It is attached.")
    private let stage: SendEmail

    public init(smtp: SMTPConfiguration) {
        stage = SendEmail(smtp: smtp)
    }

    /// Sends the message.
    public func run(_ input: EmailRequest, context: JobContext) async throws -> EmailReceipt {
        try await stage.run(input, context: context)
    }
}
