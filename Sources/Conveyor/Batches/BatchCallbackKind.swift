/// When a batch's callback job is enqueued (DESIGN §12).
public enum BatchCallbackKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// When every job of the batch has ended, however it ended.
    case onComplete
    /// When every job of the batch has completed.
    case onSuccess
    /// At the first job of the batch that failed for good (its attempts spent).
    case onFailure
}
