import Foundation

extension ConveyorRuntime {
    /// Runs one attempt in its own task, so the runtime can cancel it alone (timeout, cancel,
    /// lost lease). `run()` only returns after every such task has finished.
    func execute(_ job: Job) async {
        let jobMemory = JobMemory(budget: memory)
        let tracker = ProgressTracker { [weak self] progress in self?.progressed(job, progress) }
        let result: Result<Data, any Error>
        if let handler = registry[job.type] {
            do {
                let context = JobContext(
                    jobID: job.id, jobType: job.type, attempt: job.attempts, maxAttempts: job.maxAttempts, logger: logger,
                    memory: jobMemory, tracker: tracker, dependencies: job.dependsOn.isEmpty ? [] : try await dependencies(of: job),
                    batch: job.batch?.callback == nil ? nil : try await batch(calling: job),
                    journal: StepJournal(
                        jobID: job.id, workerID: configuration.workerID, attempt: job.attempts, maxOutput: configuration.maxStepOutput,
                        writer: stepWriter, reader: stepReader))
                // Without middleware the handler is called directly: one async frame less per job.
                if middleware.isEmpty {
                    result = .success(try await handler.run(job.payload, context))
                } else {
                    await enqueueHooks.wait(for: job.id)
                    result = .success(try await middleware.run(job, context: context) { try await handler.run(job.payload, context) })
                }
            } catch {
                result = .failure(error)
            }
        } else {
            result = .failure(JobError.permanent(
                "No handler for job type '\(job.type)' in this worker (it has: \(registry.names.joined(separator: ", ")))",
                code: "unknown_job_type"))
        }
        jobMemory.releaseAll()
        let finishedAt = Date()
        coordinator.withLock { state in
            let reason = state.running.removeValue(forKey: job.id)?.reason
            state.finished.append(FinishedJob(job: job, result: result, reason: reason, finishedAt: finishedAt))
        }
        signal()
    }

    /// How the jobs `job` waited for ended, read when it starts (so a retry sees the same).
    /// A dependency pruned meanwhile is left out; a store that cannot be read fails the attempt
    /// retryably.
    private func dependencies(of job: Job) async throws -> [DependencyResult] {
        do {
            var results: [DependencyResult] = []
            for id in job.dependsOn {
                if let dependency = try await store.job(id) { results.append(DependencyResult(dependency)) }
            }
            return results
        } catch {
            throw JobError.retryable("Could not read the jobs this one waited for: \(error)", code: .storeUnavailable)
        }
    }

    /// The batch a callback job was enqueued for, read when it starts; a store that cannot be
    /// read fails the attempt retryably.
    private func batch(calling job: Job) async throws -> BatchSnapshot? {
        guard let id = job.batch?.id else { return nil }
        do {
            return try await store.batch(id)
        } catch {
            throw JobError.retryable("Could not read the batch this callback is for: \(error)", code: .storeUnavailable)
        }
    }

    private func progressed(_ job: Job, _ progress: JobProgress) {
        coordinator.withLock { $0.progress[job.id] = progress }
        if bus.hasSubscribers {
            let update = JobProgressUpdate(jobID: job.id, type: job.type, progress: progress, sequence: job.sequence, timestamp: Date())
            announcements.emit(.progress(update), for: job.id, into: bus)
        }
    }

    /// The outcomes of finished jobs, ready to write, and what to announce once written.
    struct Settlement {
        var outcomes: [JobOutcome] = []
        var finished: [JobID: FinishedJob] = [:]
    }

    func settlement(for finished: [FinishedJob]) -> Settlement {
        var settlement = Settlement()
        settlement.outcomes.reserveCapacity(finished.count)
        for item in finished {
            guard let outcome = outcome(for: item) else {
                if item.reason == .cancelled {
                    var cancelled = item.job
                    cancelled.status = .cancelled
                    ended(item, settled: cancelled, error: .cancelledByUser)
                }
                continue
            }
            settlement.outcomes.append(outcome)
            settlement.finished[item.job.id] = item
        }
        return settlement
    }

    /// Writes a batch of outcomes and announces the ones the store applied. A failing store (a
    /// database restarting, a network blip) is retried with backoff for as long as the leases
    /// last: outcomes written late still count, and once the leases have lapsed the jobs are
    /// rescued and run again anyway, so the outcomes are dropped then. The jobs' last step
    /// records go first: `steps` when the caller already took them from the writer.
    func settle(_ settlement: Settlement, steps taken: [StepWrite]? = nil) async {
        guard !settlement.outcomes.isEmpty else { return }
        await flushProgress(of: settlement)
        var steps = taken
        if steps == nil { steps = await stepWriter.take() }
        let giveUp = ContinuousClock.now + configuration.leaseDuration
        var delay = Duration.milliseconds(100)
        for attempt in 1... {
            do {
                if let steps, !steps.isEmpty { _ = try await store.record(steps) }
                announce(try await store.complete(settlement.outcomes), of: settlement)
                return
            } catch {
                logger.error("Recording job outcomes failed", metadata: ["error": "\(error)", "attempt": "\(attempt)"])
                if Task.isCancelled || ContinuousClock.now + delay >= giveUp {
                    logger.error("Giving up on \(settlement.outcomes.count) outcomes; their leases will expire and the jobs will run again")
                    return
                }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(2))
            }
        }
    }

    func announce(_ applied: Set<JobID>, of settlement: Settlement) {
        coordinator.withLock { $0.processed += applied.count }
        if !middleware.isEmpty {
            for outcome in settlement.outcomes where applied.contains(outcome.jobID) {
                guard let item = settlement.finished[outcome.jobID] else { continue }
                let effect = OutcomeEffect(outcome)
                ended(item, settled: effect.applied(to: item.job), error: effect.keepsError ? nil : effect.error)
            }
        }
        guard bus.hasSubscribers else { return }
        for outcome in settlement.outcomes where applied.contains(outcome.jobID) {
            guard let item = settlement.finished[outcome.jobID] else { continue }
            var result: Data?
            var failure: JobFailure?
            var runAt: Date?
            switch outcome.resolution {
            case .completed(let data): result = data
            case .failed(let error): failure = error
            case .retry(let date, let error): (failure, runAt) = (error, date)
            case .runAgain(let date, let reason): (failure, runAt) = (JobFailure(code: .runAgain, message: reason, isPermanent: false), date)
            case .released: break
            }
            // The outcome is the one move after the claim: the store applied it under the lease.
            let change = JobStateChange(
                jobID: outcome.jobID, type: item.job.type, queue: item.job.queue, status: outcome.status, attempt: item.job.attempts,
                sequence: item.job.sequence + 1, result: result, error: failure, runAt: runAt, timestamp: outcome.finishedAt)
            announcements.emit(.stateChanged(change), for: outcome.jobID, into: bus)
        }
    }

    /// What an attempt's end means for the job; `nil` when someone else already decided
    /// (a user cancelled it, or another worker took over its lapsed lease).
    func outcome(for item: FinishedJob) -> JobOutcome? {
        let job = item.job
        let resolution: JobOutcome.Resolution
        switch (item.result, item.reason) {
        case (.success(let data), _):
            resolution = .completed(result: data)
        case (.failure, .cancelled), (.failure, .leaseLost):
            return nil
        case (.failure, .shutdown):
            resolution = .released
        case (.failure, .timeout):
            resolution = failure(of: job, JobError.retryable("Timed out after \(DurationText.format(job.timeout))", code: .timeout), at: item.finishedAt)
        case (.failure(let error), nil) where error is CancellationError:
            resolution = .released
        case (.failure(let error), nil):
            resolution = failure(of: job, error, at: item.finishedAt)
        }
        return JobOutcome(jobID: job.id, workerID: configuration.workerID, resolution: resolution, finishedAt: item.finishedAt)
    }

    private func failure(of job: Job, _ error: any Error, at now: Date) -> JobOutcome.Resolution {
        let jobError = error as? JobError
        if let delay = jobError?.runAgainAfter {
            return .runAgain(at: now.addingTimeInterval(delay.seconds), reason: MessageText.capped(jobError?.message ?? "run again later"))
        }
        let permanent = jobError?.isPermanent ?? false
        let code = jobError?.code ?? (error as? ConveyorError)?.code ?? .handlerError
        // Capped: a message quoting a huge payload value must not be stored and shown whole.
        let message = MessageText.capped(jobError?.message ?? (error as? ConveyorError)?.message ?? "\(error)")
        let policy = registry[job.type]?.options.retry ?? .none
        if !permanent, job.attempts < job.maxAttempts, let delay = policy.delay(afterAttempt: job.attempts) {
            return .retry(at: now.addingTimeInterval(delay.seconds), JobFailure(code: code, message: message, isPermanent: false))
        }
        return .failed(JobFailure(code: code, message: message, isPermanent: permanent))
    }

    /// Tells the middleware how an attempt ended: `settled` is the job as the move left it.
    private func ended(_ item: FinishedJob, settled: Job, error: JobFailure?) {
        let seconds = max(0, item.finishedAt.timeIntervalSince(item.job.startedAt ?? item.finishedAt))
        let duration = Duration.microseconds(Int64((seconds * 1_000_000).rounded()))
        for each in middleware { each.ended(settled, as: settled.status, error: error, duration: duration) }
    }
}
