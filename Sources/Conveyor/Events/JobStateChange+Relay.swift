public import Foundation

extension JobStateChange {
    /// Which moves a store tells the other processes sharing it of: a job's end, and a worker
    /// putting it back for a retry (`job:retrying`). The one rule every store's feed follows.
    public static func isTold(from old: JobStatus, to new: JobStatus) -> Bool {
        new.isTerminal || (old == .running && new == .scheduled)
    }

    /// A move another process told of (`status` reached at `sequence`), given the job as read
    /// back now: the job itself (with its result or error) when it has not moved since, else the
    /// move as told — a job retried since keeps its newer state to itself. A `scheduled` job
    /// read unmoved carries its next run time (so it is told as `job:retrying`). `nil` for a job gone.
    public static func relayed(_ job: Job?, status: JobStatus, sequence: Int, timestamp: Date) -> JobStateChange? {
        guard let job else { return nil }
        if job.sequence == sequence {
            var change = JobStateChange(job)
            // A job its worker put back for later: when its next attempt runs.
            if job.status == .scheduled { change.runAt = job.scheduledAt }
            return change
        }
        return JobStateChange(
            jobID: job.id, type: job.type, queue: job.queue, status: status, attempt: job.attempts, sequence: sequence, timestamp: timestamp)
    }
}
