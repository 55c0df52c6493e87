import Foundation

extension ConveyorRuntime {
    /// Enqueues `batch` for `owner` in one store call: its jobs (all or none) and its callbacks,
    /// each enqueued exactly once when due. Throws what ``enqueue(_:)-([JobRequest])`` throws,
    /// naming `jobs[i]` or the callback (`onComplete: …`).
    @discardableResult
    public func enqueue(_ batch: Batch, owner: String? = nil) async throws -> BatchSnapshot {
        guard !isDraining else { throw ConveyorError(.shuttingDown, "This process is shutting down and takes no new jobs") }
        guard batch.requests.count <= Batch.maxJobs else {
            throw ConveyorError(.invalidInput, "jobs: \(batch.requests.count) jobs is over the limit of \(Batch.maxJobs) in one batch")
        }
        if let name = batch.name, name.isEmpty || name.utf8.count > 255 { throw ConveyorError(.invalidInput, "name: must be 1–255 bytes long") }
        let now = Date()
        func resolved(_ request: JobRequest, _ place: String) throws -> NewJob {
            var request = request
            request.options.owner = owner
            do { return try resolve(request, now: now) } catch let error as ConveyorError {
                throw ConveyorError(error.code, "\(place): \(error.message)")
            }
        }
        var jobs: [NewJob] = []
        jobs.reserveCapacity(batch.requests.count)
        for (index, request) in batch.requests.enumerated() { jobs.append(try resolved(request, "jobs[\(index)]")) }
        var callbacks: [BatchCallbackKind: NewJob] = [:]
        for (kind, request) in batch.callbacks {
            guard request.options.delay == nil, request.options.runAt == nil, request.options.dedupKey == nil, request.options.dependsOn.isEmpty else {
                throw ConveyorError(.invalidInput, "\(kind.rawValue): a callback runs when it is due; it takes no delay, runAt, dedupKey or dependsOn")
            }
            callbacks[kind] = try resolved(request, kind.rawValue)
        }
        let snapshot = try await store.enqueue(
            NewBatch(name: batch.name, owner: owner, createdAt: now, jobs: jobs, callbacks: callbacks), limits: configuration.enqueueLimits)
        signal(work: true)
        return snapshot
    }

    /// The batch with this id as the store holds it now; `nil` when there is none.
    public func batch(_ id: JobID) async throws -> BatchSnapshot? {
        try await store.batch(id)
    }

    /// Cancels every unfinished job of the batch; the batch then finishes, and its `onComplete`
    /// runs (seeing them cancelled). Returns the batch after. Throws `.notFound` for no such batch.
    public func cancelBatch(_ id: JobID) async throws -> BatchSnapshot {
        guard try await store.batch(id) != nil else { throw ConveyorError(.notFound, "No batch with id \(id)") }
        var cursor: JobID?
        repeat {
            let page = try await store.jobs(matching: JobFilter(batchID: id, limit: 1_000, cursor: cursor))
            for job in page.jobs where job.batch?.isMember == true && !job.status.isTerminal {
                do { _ = try await cancel(job.id) } catch let error as ConveyorError where error.code == .conflict {
                    // Ended meanwhile: nothing to do.
                }
            }
            cursor = page.nextCursor
        } while cursor != nil
        guard let batch = try await store.batch(id) else { throw ConveyorError(.notFound, "No batch with id \(id)") }
        return batch
    }
}
