/// Who a request acts for: the token's `sub` and whether its `role` is `admin`.
public struct Identity: Sendable, Hashable {
    public var subject: String
    public var isAdmin: Bool

    public init(subject: String, isAdmin: Bool) {
        self.subject = subject
        self.isAdmin = isAdmin
    }

    /// Users act on their own jobs; admins on every job.
    func mayAccess(owner: String?) -> Bool { isAdmin || owner == subject }
}
