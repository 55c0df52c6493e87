/// A change to a job's recorded steps, made by the worker running it. Stores apply it only while
/// that worker still holds the job's lease for that attempt, as they do outcomes: an attempt that
/// was rescued or cancelled cannot record anything after it lost the job.
public struct StepWrite: Sendable, Hashable {
    public enum Change: Sendable, Hashable {
        /// Adds the record, or replaces the one with its key.
        case save(StepRecord)
        /// Removes one record: an at-most-once step whose outcome is known after all (it failed).
        case remove(key: String)
        /// Removes every record: the pipeline's stages changed since they were written.
        case removeAll
    }

    public var jobID: JobID
    public var workerID: String
    public var attempt: Int
    public var change: Change

    public init(jobID: JobID, workerID: String, attempt: Int, change: Change) {
        self.jobID = jobID
        self.workerID = workerID
        self.attempt = attempt
        self.change = change
    }
}
