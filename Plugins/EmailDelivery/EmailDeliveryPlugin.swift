public import Conveyor

/// Sends email over SMTP: the `email` job type, and the `SendEmail` stage for pipelines.
///
/// Without an SMTP server (`smtp: nil`) the type is still known and validated, and run only by
/// workers that have one.
public struct EmailDeliveryPlugin: ConveyorPlugin {
    public let name = "email-delivery"
    private let smtp: SMTPConfiguration?

    public init(smtp: SMTPConfiguration?) {
        self.smtp = smtp
    }

    /// Registers `email`.
    public func register(into registry: inout HandlerRegistry) {
        guard let smtp else {
            registry.register(
                unavailable: EmailHandler.name, input: EmailRequest.self, example: EmailHandler.example, options: EmailHandler.options,
                reason: "no SMTP server is set (SMTP_URL)")
            return
        }
        registry.register(EmailHandler(smtp: smtp))
    }
}
