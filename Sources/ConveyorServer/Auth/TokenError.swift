/// A token could not be made or the secret is unusable; the message names the input.
public struct TokenError: Error, Sendable, CustomStringConvertible {
    /// The line to show, naming the setting or flag.
    public let description: String
    init(_ description: String) { self.description = description }
}
