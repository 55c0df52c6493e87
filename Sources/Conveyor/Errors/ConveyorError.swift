/// An error from Conveyor's own API (enqueue, cancel, configuration, stores), with a stable
/// snake_case code the server maps to an HTTP status and a sentence that names the field at fault.
public struct ConveyorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable, snake_case; the server's `error.code`.
    public var code: ErrorCode
    public var message: String

    public init(_ code: ErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
