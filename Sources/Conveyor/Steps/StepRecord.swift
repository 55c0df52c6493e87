public import Foundation

/// One step of a job as the store keeps it: a pipeline stage or a `context.step` that finished
/// (with its output, when that is `Codable` and small enough), or an at-most-once step that has
/// started. A later attempt reads these to skip what is done.
public struct StepRecord: Sendable, Hashable, Codable {
    /// Unique within the job: a stage's index and name, or a step's name and occurrence.
    public var key: String
    /// Shown in job JSON.
    public var name: String
    /// Orders the job's steps: a stage's index, or after the stages the order steps first ran in.
    public var position: Int
    /// `running` or `completed` (the other statuses are never stored).
    public var status: StepStatus
    /// The attempt that started (and, when completed, finished) it.
    public var attempt: Int
    public var startedAt: Date
    public var finishedAt: Date?
    /// The step's output as JSON; `nil` when it has none to keep (not `Codable`, or over
    /// `CONVEYOR_MAX_STEP_OUTPUT`), so a later attempt runs it again.
    public var output: Data?

    /// For a pipeline stage's record, the stage's index; `nil` for a `context.step`'s.
    public var stageIndex: Int? { StageLink.index(inKey: key) }

    public init(
        key: String, name: String, position: Int, status: StepStatus, attempt: Int, startedAt: Date, finishedAt: Date? = nil,
        output: Data? = nil
    ) {
        self.key = key
        self.name = name
        self.position = position
        self.status = status
        self.attempt = attempt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.output = output
    }
}
