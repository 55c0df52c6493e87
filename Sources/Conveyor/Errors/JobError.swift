/// What a handler throws to say how its failure should be treated.
///
/// Any other error is retryable. Throw `.permanent` when retrying cannot help (bad input,
/// a 413 from an API), and `.runAgain(after:)` when the far side asked to be called later
/// (HTTP 429 `retry_after`): that reschedules without spending an attempt. The code and the
/// message are what the job keeps (``JobFailure``) and the API shows as `error`.
public struct JobError: Error, Sendable, Hashable, CustomStringConvertible {
    /// snake_case, stable for programs.
    public var code: ErrorCode
    /// A sentence for people; must not contain secrets.
    public var message: String
    /// Retrying cannot help.
    public var isPermanent: Bool
    /// Set when the job should run again after this delay without spending an attempt.
    public var runAgainAfter: Duration?

    public init(code: ErrorCode, message: String, isPermanent: Bool, runAgainAfter: Duration? = nil) {
        self.code = code
        self.message = message
        self.isPermanent = isPermanent
        self.runAgainAfter = runAgainAfter
    }

    /// A failure no retry can fix; the job goes straight to `failed`.
    public static func permanent(_ message: String, code: ErrorCode = .permanentFailure) -> JobError {
        JobError(code: code, message: message, isPermanent: true)
    }

    /// A failure worth retrying with the job's retry policy.
    public static func retryable(_ message: String, code: ErrorCode = .retryableFailure) -> JobError {
        JobError(code: code, message: message, isPermanent: false)
    }

    /// Run again after `delay` without counting this attempt (rate limits, "come back later").
    public static func runAgain(after delay: Duration, reason: String) -> JobError {
        JobError(code: .runAgain, message: reason, isPermanent: false, runAgainAfter: delay)
    }

    public var description: String { message }
}
