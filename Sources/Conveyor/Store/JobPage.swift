/// One page of a job listing.
public struct JobPage: Sendable, Hashable {
    public var jobs: [Job]
    /// Pass as `JobFilter.cursor` for the next page; `nil` on the last one.
    public var nextCursor: JobID?

    public init(jobs: [Job], nextCursor: JobID?) {
        self.jobs = jobs
        self.nextCursor = nextCursor
    }
}
