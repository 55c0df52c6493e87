import Foundation

extension MemoryJobStore {
    public func enqueue(_ batch: NewBatch, limits: EnqueueLimits) async throws -> BatchSnapshot {
        try batch.check()
        return try locked { state in
            guard state.batches[batch.id] == nil else { throw ConveyorError(.conflict, "A batch with id \(batch.id) already exists") }
            try Self.checkFree(batch, in: state)
            let plan = EnqueuePlan(batch.jobs) { _ in nil }
            try plan.checkCapacity(
                limits, waiting: { state.pending[$0, default: 0] },
                unfinished: { state.counts.filter { !$0.key.isTerminal }.values.reduce(0, +) }, owned: { state.owned[$0, default: 0] })
            let (tally, due) = BatchTally.start(total: batch.jobs.count, at: batch.createdAt)
            state.batches[batch.id] = MemoryBatch(
                name: batch.name, owner: batch.owner, total: batch.jobs.count, createdAt: batch.createdAt, tally: tally, callbacks: batch.callbacks)
            for job in plan.newJobs { state.insert(job) }
            state.enqueueCallbacks(due, of: batch.id, at: batch.createdAt)
            state.wake()
            return state.snapshot(of: batch.id)!
        }
    }

    public func batch(_ id: JobID) async throws -> BatchSnapshot? {
        locked { $0.snapshot(of: id) }
    }

    public func batchCounts() async throws -> [BatchStatus: Int] {
        locked { state in
            let running = state.batches.values.filter { $0.tally.finishedAt == nil }.count
            return [.running: running, .finished: state.batches.count - running]
        }
    }

    private static func checkFree(_ batch: NewBatch, in state: State) throws {
        for job in batch.jobs + batch.callbacks.values where state.jobs[job.id] != nil {
            throw ConveyorError(.conflict, "A job with id \(job.id) already exists")
        }
    }
}

extension MemoryJobStore.State {
    /// A job of batch `id` ended with `status`: the tally moves, and the callbacks it makes due are enqueued.
    mutating func batchJobEnded(_ id: JobID, status: JobStatus, at date: Date) {
        guard let due = batches[id]?.tally.ended([status], at: date), !due.isEmpty else { return }
        enqueueCallbacks(due, of: id, at: date)
    }

    mutating func enqueueCallbacks(_ due: [BatchCallbackKind], of id: JobID, at date: Date) {
        for kind in due {
            guard let callback = batches[id]?.callbacks[kind], batches[id]?.enqueued[kind] == nil else { continue }
            batches[id]?.enqueued[kind] = callback.id
            insert(NewBatch.callbackJob(callback, at: date))
            wake()
        }
    }

    func snapshot(of id: JobID) -> BatchSnapshot? {
        guard let batch = batches[id] else { return nil }
        var counts: [JobStatus: Int] = [:]
        for job in jobs.values where job.batch == BatchMembership(id: id) { counts[job.status, default: 0] += 1 }
        return BatchSnapshot(
            id: id, name: batch.name, owner: batch.owner, total: batch.total, counts: counts,
            callbacks: batch.callbacks.mapValues { _ in nil }.merging(batch.enqueued.mapValues { $0 }) { _, enqueued in enqueued },
            createdAt: batch.createdAt, finishedAt: batch.tally.finishedAt)
    }
}
