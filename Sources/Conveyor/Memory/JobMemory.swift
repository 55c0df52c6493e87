/// A job's view of the process memory budget: reservations made here count against the
/// per-job cap together and are all released when the job ends, whatever way it ends.
public struct JobMemory: Sendable {
    /// The process-wide budget, for its stats.
    public let budget: MemoryBudget
    let owner: Int

    package init(budget: MemoryBudget) {
        self.budget = budget
        self.owner = budget.makeOwner()
    }

    /// Reserves `bytes` for this job; see `MemoryBudget` for waiting and the cap.
    /// - Parameter label: names the data in errors: "Video" gives "Video too large: 73.4 MB > 50 MB".
    public func reserve(_ bytes: Int, label: String = "Job data") async throws -> MemoryReservation {
        try await budget.reserve(bytes, owner: owner, label: label)
    }

    /// A growable buffer whose allocations are reserved from this job's share first.
    public func makeBuffer(label: String = "Job data", chunkSize: Int = MemoryBuffer.defaultChunkSize) async throws -> MemoryBuffer {
        MemoryBuffer(reservation: try await reserve(0, label: label), chunkSize: chunkSize)
    }

    /// Bytes this job holds now.
    public var bytesHeld: Int { budget.bytesHeld(owner: owner) }

    package func releaseAll() { budget.releaseAll(owner: owner) }
}
