/// Why a token was refused, said without echoing the token: expired at T, a signature that does
/// not verify, a missing claim, an algorithm not allowed. Clients and operators can then fix the
/// right thing instead of guessing from "invalid or expired".
public struct TokenRejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// A sentence for the 401 answer and the WebSocket error event.
    public let description: String
    init(_ description: String) { self.description = description }
}
