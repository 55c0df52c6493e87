/// Why a job's last attempt failed, as kept on the job and shown by the API and events
/// (`error {code, message, permanent}`). Every failure has a code, whoever set it: a handler
/// (its ``JobError``), the runtime (`timeout`) or the store (`lease_lost`, `cancelled`).
public struct JobFailure: Sendable, Codable, Hashable {
    /// Stable snake_case, for programs.
    public var code: ErrorCode
    /// Human sentence; never contains secrets (handlers redact before throwing).
    public var message: String
    /// `true` when retrying cannot help (bad input, over the memory cap, …).
    public var isPermanent: Bool

    enum CodingKeys: String, CodingKey {
        case code, message
        case isPermanent = "permanent"
    }

    public init(code: ErrorCode, message: String, isPermanent: Bool) {
        self.code = code
        self.message = message
        self.isPermanent = isPermanent
    }

    /// What a job a user cancelled keeps.
    public static let cancelledByUser = JobFailure(code: .cancelled, message: "Cancelled by a user", isPermanent: true)

    /// What a handler's error comes to on the job.
    public init(_ error: JobError) {
        self.init(code: error.code, message: error.message, isPermanent: error.isPermanent)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        // Failures kept before codes were stored have none: they read as a handler error.
        code = try container.decodeIfPresent(ErrorCode.self, forKey: .code) ?? .handlerError
        message = try container.decode(String.self, forKey: .message)
        isPermanent = try container.decode(Bool.self, forKey: .isPermanent)
    }
}
