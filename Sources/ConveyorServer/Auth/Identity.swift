public import Foundation

/// Who a request acts for: the token's `sub`, whether its role is `admin`, and until when.
public struct Identity: Sendable, Hashable {
    /// The token's `sub`: the owner stamped on the jobs it enqueues.
    public var subject: String
    /// The role claim says `admin`: every job, dead-letter, pause and cleanup.
    public var isAdmin: Bool
    /// The token's `exp`: a WebSocket session authenticated by it closes then, unless a fresh
    /// token arrives first.
    public var expiresAt: Date?

    /// An identity as a verified token describes it.
    public init(subject: String, isAdmin: Bool, expiresAt: Date? = nil) {
        self.subject = subject
        self.isAdmin = isAdmin
        self.expiresAt = expiresAt
    }

    /// Users act on their own jobs; admins on every job.
    func mayAccess(owner: String?) -> Bool { isAdmin || owner == subject }
}
