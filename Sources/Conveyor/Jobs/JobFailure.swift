/// Why a job's last attempt failed, as kept on the job and shown by the API (`error`).
public struct JobFailure: Sendable, Codable, Hashable {
    /// Human sentence; never contains secrets (handlers redact before throwing).
    public var message: String
    /// `true` when retrying cannot help (bad input, over the memory cap, …).
    public var permanent: Bool

    public init(message: String, permanent: Bool) {
        self.message = message
        self.permanent = permanent
    }
}
