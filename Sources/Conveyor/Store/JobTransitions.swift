public import Foundation

/// The rules of a job's life (DESIGN §3) and their messages, written once: every store reads the
/// job, asks here what it becomes (or why it may not), and writes that back. Only the SQL and the
/// moving of data differ between stores. ``JobStatus/canMove(to:)`` is what each move is checked
/// against, and every move adds one to the job's ``Job/sequence``.
public enum JobTransitions {
    /// A user cancels a job (`job` is what the store holds under `id`, if anything). Scheduled,
    /// waiting, queued and running jobs end `cancelled` with error code `cancelled` (a running
    /// one's attempt is kept among its failures); a running job's worker learns at its next
    /// heartbeat that it lost the lease, and stops.
    /// Throws `.notFound`, or `.conflict` for a finished job.
    public static func cancel(_ job: Job?, id: JobID, now: Date) throws -> Job {
        guard var job else { throw ConveyorError(.notFound, "No job with id \(id)") }
        guard job.status.canMove(to: .cancelled) else { throw ConveyorError(.conflict, "Job \(id) is already \(job.status.rawValue)") }
        if job.status == .running {
            job.failedAttempts.append(AttemptFailure(endingAttemptOf: job, worker: job.worker ?? "unknown", at: now, error: .cancelledByUser))
        }
        job.moved(to: .cancelled)
        job.lease = nil
        job.finishedAt = now
        job.error = .cancelledByUser
        return job
    }

    /// A user puts a failed or cancelled job back in the queue with its attempts (and their
    /// failures), error, result and progress reset. `dedupHolder` is the unfinished job now holding its dedup key, if
    /// another one does: then the retry is refused, since two unfinished jobs may not share a key.
    /// Throws `.notFound`, or `.conflict`.
    public static func retry(_ job: Job?, id: JobID, now: Date, dedupHolder: JobID?) throws -> Job {
        guard var job else { throw ConveyorError(.notFound, "No job with id \(id)") }
        guard job.status.isTerminal, job.status.canMove(to: .queued) else {
            throw ConveyorError(.conflict, "Job \(id) is \(job.status.rawValue); only failed or cancelled jobs can be retried")
        }
        if let holder = dedupHolder, holder != id, let key = job.dedupKey {
            throw ConveyorError(.conflict, "Job \(holder) already holds dedupKey '\(key)' and is unfinished")
        }
        job.moved(to: .queued)
        job.attempts = 0
        job.failedAttempts = []
        job.error = nil
        job.result = nil
        job.startedAt = nil
        job.finishedAt = nil
        job.progress = .zero
        job.scheduledAt = now
        return job
    }

    /// A running job whose lease lapsed (its worker died or lost the store): back to `queued`
    /// with its run time kept, so it goes before newer jobs — or `failed` when it has no attempts
    /// left. Either way the error says so, with code `lease_lost`, and the attempt joins the job's
    /// failed attempts under the worker that lost it.
    public static func rescue(_ job: Job, now: Date) -> Job {
        var job = job
        let worker = job.lease?.workerID ?? job.worker ?? "unknown"
        job.lease = nil
        if job.attempts >= job.maxAttempts {
            job.moved(to: .failed)
            job.error = JobFailure(
                code: .leaseLost, message: "Worker lost during attempt \(job.attempts) of \(job.maxAttempts) (lease expired)", isPermanent: false)
            job.finishedAt = now
        } else {
            job.moved(to: .queued)
            job.error = JobFailure(code: .leaseLost, message: "Worker lost during attempt \(job.attempts) (lease expired); re-queued", isPermanent: false)
            job.finishedAt = nil
        }
        if let error = job.error { job.failedAttempts.append(AttemptFailure(endingAttemptOf: job, worker: worker, at: now, error: error)) }
        return job
    }

    /// Whether a lease has lapsed at `now` (a running job with no lease counts as lapsed).
    public static func leaseLapsed(_ job: Job, now: Date) -> Bool {
        job.status == .running && (job.lease.map { $0.expiresAt < now } ?? true)
    }

    /// The job after `outcome`, or `nil` when its worker no longer holds the lease (the job was
    /// cancelled or rescued meanwhile), which leaves it alone.
    public static func settle(_ job: Job, with outcome: JobOutcome) -> Job? {
        guard job.status == .running, job.lease?.workerID == outcome.workerID else { return nil }
        return OutcomeEffect(outcome).applied(to: job)
    }

    /// A queued job taken by a worker: running, one more attempt, leased, progress reset.
    public static func claim(_ job: Job, for request: ClaimRequest) -> Job {
        var job = job
        job.moved(to: .running)
        job.attempts += 1
        job.startedAt = request.now
        job.lease = JobLease(workerID: request.workerID, expiresAt: request.leaseExpiresAt)
        job.worker = request.workerID
        job.progress = .zero
        return job
    }

    /// A scheduled job whose time has come: ready to claim.
    public static func promote(_ job: Job) -> Job {
        var job = job
        job.moved(to: .queued)
        return job
    }
}

extension Job {
    /// Moves to `next` — one the state machine allows — and counts the move.
    mutating func moved(to next: JobStatus) {
        assert(status.canMove(to: next), "\(status) → \(next) is not a move DESIGN §3 allows")
        status = next
        sequence += 1
    }
}
