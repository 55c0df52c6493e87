/// What durable steps need from a store; memory, SQLite and PostgreSQL all provide it. Records
/// live beside their job and go when it is deleted (pruned, or dead-letter cleanup). A user's
/// retry keeps the completed ones, so the job resumes, and drops at-most-once steps left
/// `running`: retrying is the user saying "run it again".
public protocol StepStore: Sendable {
    /// Each job's records, by position; a job with none (or no such job) is left out. Many jobs
    /// at once: a runtime reads the steps of the jobs it starts together.
    func steps(of ids: [JobID]) async throws -> [JobID: [StepRecord]]
    /// Applies each write whose worker still holds its job (running, leased to it, at that
    /// attempt), all in one transaction; returns the jobs whose writes were applied.
    func record(_ writes: [StepWrite]) async throws -> Set<JobID>
    /// A worker's turn with the steps its finished jobs recorded last: `steps` first, then the
    /// outcomes and the claim — in one transaction where the store can, so a job's steps cost
    /// no transaction of their own and are in before its end.
    func record(_ steps: [StepWrite], complete outcomes: [JobOutcome], andClaim request: ClaimRequest) async throws -> (applied: Set<JobID>, claimed: [Job])
}

extension StepStore where Self: JobQueueStore {
    /// Two calls: the steps, then the turn.
    public func record(_ steps: [StepWrite], complete outcomes: [JobOutcome], andClaim request: ClaimRequest) async throws -> (applied: Set<JobID>, claimed: [Job]) {
        if !steps.isEmpty { _ = try await record(steps) }
        return try await complete(outcomes, andClaim: request)
    }
}

extension StepStore {
    /// One job's records, by position; empty for a job with none.
    public func steps(of id: JobID) async throws -> [StepRecord] {
        try await steps(of: [id])[id] ?? []
    }
}
