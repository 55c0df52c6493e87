import Foundation

extension ConveyorRuntime {
    private struct Step {
        var finished: [ConveyorRuntime.FinishedJob] = []
        var claim = 0
        var generation = 0
        var toCancel: [Task<Void, Never>] = []
        var done = false
    }

    /// The one loop that settles finished jobs and claims new ones, both in batches: each
    /// turn writes every outcome gathered since the last turn and fills the free slots, in
    /// one store call.
    func coordinate() async {
        var generator = SystemRandomNumberGenerator()
        var cancelledHandled = false
        while true {
            if Task.isCancelled && !cancelledHandled {
                // Not a graceful stop: cancel and re-queue everything at once.
                cancelledHandled = true
                coordinator.withLock { state in
                    state.draining = true
                    state.drainDeadline = .now
                }
            }
            let step = coordinator.withLock { state -> Step in
                var step = Step()
                step.finished = state.finished
                state.finished = []
                if state.draining {
                    if let deadline = state.drainDeadline, ContinuousClock.now >= deadline {
                        for (id, entry) in state.running where entry.reason == nil {
                            state.running[id]?.reason = .shutdown
                            if let task = entry.task { step.toCancel.append(task) }
                        }
                    }
                    step.done = state.running.isEmpty && step.finished.isEmpty
                } else if state.workAvailable {
                    step.claim = min(configuration.concurrency - state.running.count, configuration.claimBatchSize)
                    step.generation = state.workGeneration
                }
                return step
            }
            for task in step.toCancel { task.cancel() }
            let settlement = settlement(for: step.finished)
            var claimed = 0
            if step.claim > 0 {
                claimed = await settleAndClaim(settlement, limit: step.claim, generation: step.generation, using: &generator)
            } else {
                await settle(settlement)
            }
            if step.done { return }
            if step.finished.isEmpty && claimed == 0 { await waitForSignal() }
        }
    }

    /// Writes the outcomes and claims up to `limit` jobs in one store call (one transaction on
    /// SQL stores), then starts what it claimed. Returns how many it started.
    private func settleAndClaim(
        _ settlement: Settlement, limit: Int, generation: Int, using generator: inout SystemRandomNumberGenerator
    ) async -> Int {
        let now = Date()
        let request = ClaimRequest(
            workerID: configuration.workerID, queues: configuration.queues, limit: limit,
            priorityOrder: configuration.priorityWeights.drawOrder(using: &generator), now: now,
            leaseExpiresAt: now.addingTimeInterval(configuration.leaseDuration.seconds))
        let jobs: [Job]
        do {
            let (applied, claimed) = try await store.complete(settlement.outcomes, andClaim: request)
            announce(applied, of: settlement)
            jobs = claimed
        } catch {
            logger.error("Claiming jobs failed; will retry at the next poll", metadata: ["error": "\(error)"])
            coordinator.withLock { state in
                if state.workGeneration == generation { state.workAvailable = false }
            }
            await settle(settlement)
            return 0
        }
        let clockNow = ContinuousClock.now
        coordinator.withLock { state in
            if jobs.count < limit && state.workGeneration == generation { state.workAvailable = false }
            for job in jobs {
                let limit = Duration.milliseconds(job.timeout.milliseconds)
                state.running[job.id] = RunningJob(job: job, deadline: clockNow + limit, task: nil, reason: nil)
            }
        }
        for job in jobs {
            let task = Task { await self.execute(job) }
            let stopNow = coordinator.withLock { state -> Bool in
                state.running[job.id]?.task = task
                return state.running[job.id]?.reason != nil
            }
            if stopNow { task.cancel() }
        }
        if bus.hasSubscribers {
            for job in jobs {
                bus.emit(.stateChanged(JobStateChange(jobID: job.id, type: job.type, queue: job.queue, status: .running, attempt: job.attempts, timestamp: now)))
            }
        }
        return jobs.count
    }

    /// Stops a running job's task for `reason`; the first reason wins.
    func stop(_ id: JobID, because reason: StopReason) {
        let task = coordinator.withLock { state -> Task<Void, Never>? in
            guard let entry = state.running[id], entry.reason == nil else { return nil }
            state.running[id]?.reason = reason
            return entry.task
        }
        task?.cancel()
    }
}
