/// What a step promises when its worker dies in the middle of it. At-least-once runs it again
/// (the default: right for anything idempotent); at-most-once never runs it twice — a new attempt
/// that finds it started with no outcome fails the job with `outcome_unknown`, for side effects
/// such as posting a message, where a duplicate is worse than a gap.
public enum StepDelivery: String, Codable, Sendable, Hashable, CaseIterable {
    case atLeastOnce = "at-least-once"
    case atMostOnce = "at-most-once"
}
