/// Where one step of a job stands, as job JSON shows it. Stores keep only `running` (an
/// at-most-once step that has started) and `completed`; `pending` and `skipped` are what a reader
/// makes of a step with no record: not reached yet, or never run because the job ended first.
public enum StepStatus: String, Codable, Sendable, Hashable, CaseIterable {
    case pending, running, completed, skipped
}
