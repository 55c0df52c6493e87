public import Conveyor

/// Sends email over SMTP: the `email` job type, and the `SendEmail` stage for pipelines.
public struct EmailDeliveryPlugin: ConveyorPlugin {
    public let name = "email-delivery"
    private let smtp: SMTPConfiguration

    public init(smtp: SMTPConfiguration) {
        self.smtp = smtp
    }

    /// Registers `email`.
    public func register(into registry: inout HandlerRegistry) {
        registry.register(EmailHandler(smtp: smtp))
    }
}
