/// Why work on a connection of one's own (``PostgresStoreOptions/connect(logger:timeout:)``)
/// failed: one line safe to show, and whether it is worth trying again — a server that did not
/// answer, refused or dropped the connection, or is shutting down may be back later; one that
/// refused the password, the database or the SQL will say the same next time.
public struct PostgresSessionError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public let isTransient: Bool

    public init(description: String, isTransient: Bool) {
        self.description = description
        self.isTransient = isTransient
    }
}
