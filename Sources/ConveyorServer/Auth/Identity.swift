/// Who a request acts for: the token's `sub` and whether its `role` is `admin`.
public struct Identity: Sendable, Hashable {
    /// The token's `sub`: the owner stamped on the jobs it enqueues.
    public var subject: String
    /// `role: admin`: every job, dead-letter, pause and cleanup.
    public var isAdmin: Bool

    /// An identity as a verified token describes it.
    public init(subject: String, isAdmin: Bool) {
        self.subject = subject
        self.isAdmin = isAdmin
    }

    /// Users act on their own jobs; admins on every job.
    func mayAccess(owner: String?) -> Bool { isAdmin || owner == subject }
}
