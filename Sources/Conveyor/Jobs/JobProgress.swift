/// How far a running job has come: what progress events carry and what the store keeps.
public struct JobProgress: Sendable, Codable, Hashable {
    /// 0…100 over the whole job (the weighted sum across a pipeline's stages).
    public var percent: Double
    /// The pipeline stage running now; `nil` for a plain handler.
    public var stage: String?
    /// A short human message such as "Downloading 12.3/40.0 MB".
    public var message: String?

    public init(percent: Double = 0, stage: String? = nil, message: String? = nil) {
        self.percent = percent
        self.stage = stage
        self.message = message
    }

    /// No progress yet.
    public static let zero = JobProgress()
}
