import Foundation

/// How long to wait before the next attempt after a retryable failure.
///
/// A struct with static factories rather than an enum, so new policies can be added
/// without breaking anyone's `switch`.
public struct RetryPolicy: Sendable, Hashable {
    enum Kind: Hashable {
        case exponential(base: Duration, factor: Double, maxDelay: Duration, jitter: Double)
        case fixed([Duration])
        case none
    }

    let kind: Kind

    /// base × factor^(attempt−1), capped at `maxDelay`, spread by ±`jitter` so that
    /// jobs failing together do not retry together. The default policy.
    public static func exponential(
        base: Duration = .seconds(1), factor: Double = 2, maxDelay: Duration = .seconds(600), jitter: Double = 0.2
    ) -> RetryPolicy {
        RetryPolicy(kind: .exponential(base: base, factor: max(1, factor), maxDelay: maxDelay, jitter: min(max(0, jitter), 1)))
    }

    /// A fixed schedule such as 1s, 5s, 15s; the last delay repeats if attempts remain.
    public static func fixed(_ delays: [Duration]) -> RetryPolicy {
        RetryPolicy(kind: delays.isEmpty ? .none : .fixed(delays))
    }

    /// Never retry: the first failure is final.
    public static let none = RetryPolicy(kind: .none)

    /// Exponential from 1 s, doubling, capped at 10 min, ±20 % jitter.
    public static let `default` = RetryPolicy.exponential()

    /// The wait after attempt `attempt` (1-based) failed, or `nil` when this policy never retries.
    public func delay(afterAttempt attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration? {
        switch kind {
        case .none:
            return nil
        case .fixed(let delays):
            return delays[min(max(attempt, 1), delays.count) - 1]
        case .exponential(let base, let factor, let maxDelay, let jitter):
            let exponent = Double(max(attempt, 1) - 1)
            let raw = min(base.seconds * pow(factor, exponent), maxDelay.seconds)
            let spread = raw * jitter
            let jittered = spread > 0 ? Double.random(in: (raw - spread)...(raw + spread), using: &generator) : raw
            return .milliseconds(Int64(max(0, min(jittered, maxDelay.seconds)) * 1000))
        }
    }

    /// Same as `delay(afterAttempt:using:)` with the system generator.
    public func delay(afterAttempt attempt: Int) -> Duration? {
        var generator = SystemRandomNumberGenerator()
        return delay(afterAttempt: attempt, using: &generator)
    }
}
