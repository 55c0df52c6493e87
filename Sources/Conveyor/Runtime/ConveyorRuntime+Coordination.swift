import Foundation

extension ConveyorRuntime {
    private struct Step {
        var finished: [ConveyorRuntime.FinishedJob] = []
        var claim = 0
        var generation = 0
        var toCancel: [Task<Void, Never>] = []
        var busy = false
        var done = false
        /// While draining: what is still holding the drain up (jobs running, store calls under way).
        var holding: (running: Int, turns: Int)?
    }

    /// How often a drain that is taking a while says what it waits for.
    private static let drainReportInterval = Duration.seconds(5)

    /// Turns whose store call may be under way at once: while one is written, the next is
    /// gathered and queued, so a SQL store's writer never waits for the round trip.
    private static let turnsInFlight = 2

    /// The one loop that settles finished jobs and claims new ones, both in batches: each
    /// turn writes every outcome gathered since the last turn and fills the free slots, in
    /// one store call.
    func coordinate() async {
        var generator = SystemRandomNumberGenerator()
        var cancelledHandled = false
        var nextDrainReport: ContinuousClock.Instant?
        await withDiscardingTaskGroup { group in
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
                    if state.draining, let deadline = state.drainDeadline, ContinuousClock.now >= deadline {
                        for (id, entry) in state.running where entry.reason == nil {
                            state.running[id]?.reason = .shutdown
                            if let task = entry.task { step.toCancel.append(task) }
                        }
                    }
                    if state.draining { step.holding = (state.running.count, state.turnsInFlight) }
                    guard state.turnsInFlight < Self.turnsInFlight else {
                        step.busy = true
                        return step
                    }
                    step.finished = state.finished
                    state.finished = []
                    if state.draining {
                        step.done = state.running.isEmpty && step.finished.isEmpty && state.turnsInFlight == 0
                    } else if state.workAvailable {
                        let free = configuration.concurrency - state.running.count - state.claiming
                        step.claim = max(0, min(free, configuration.claimBatchSize))
                        step.generation = state.workGeneration
                    }
                    if !step.finished.isEmpty || step.claim > 0 {
                        state.turnsInFlight += 1
                        state.claiming += step.claim
                    }
                    return step
                }
                for task in step.toCancel { task.cancel() }
                if step.done { return }
                if let holding = step.holding {
                    let now = ContinuousClock.now
                    if let next = nextDrainReport, now >= next {
                        logger.info("Draining: waiting for running jobs and store writes", metadata: [
                            "jobs.running": "\(holding.running)", "store.calls": "\(holding.turns)",
                        ])
                        nextDrainReport = now + Self.drainReportInterval
                    } else if nextDrainReport == nil {
                        nextDrainReport = now + Self.drainReportInterval
                    }
                }
                guard !step.busy, !step.finished.isEmpty || step.claim > 0 else {
                    await waitForSignal()
                    continue
                }
                let order = configuration.priorityWeights.drawOrder(using: &generator)
                group.addTask {
                    let settlement = self.settlement(for: step.finished)
                    if step.claim > 0 {
                        await self.settleAndClaim(settlement, limit: step.claim, generation: step.generation, order: order)
                    } else {
                        await self.settle(settlement)
                    }
                    self.coordinator.withLock { $0.turnsInFlight -= 1 }
                    self.signal()
                }
            }
        }
    }

    /// Writes the outcomes and claims up to `limit` jobs in one store call (one transaction on
    /// SQL stores), then starts what it claimed.
    private func settleAndClaim(_ settlement: Settlement, limit: Int, generation: Int, order: [JobPriority]) async {
        let now = Date()
        let request = ClaimRequest(
            workerID: configuration.workerID, queues: configuration.queues, limit: limit, priorityOrder: order, now: now,
            leaseExpiresAt: now.addingTimeInterval(configuration.leaseDuration.seconds))
        let jobs: [Job]
        await flushProgress(of: settlement)
        // The jobs' last steps go in with their ends (which would lock them out after).
        let steps = settlement.outcomes.isEmpty ? [] : await stepWriter.take()
        do {
            let (applied, claimed) = try await store.record(steps, complete: settlement.outcomes, andClaim: request)
            announce(applied, of: settlement)
            jobs = claimed
        } catch {
            logger.error("Claiming jobs failed; will retry at the next poll", metadata: ["error": "\(error)"])
            coordinator.withLock { state in
                state.claiming -= limit
                if state.workGeneration == generation { state.workAvailable = false }
            }
            await settle(settlement, steps: steps)
            return
        }
        let clockNow = ContinuousClock.now
        coordinator.withLock { state in
            state.claiming -= limit
            if jobs.count < limit && state.workGeneration == generation { state.workAvailable = false }
            for job in jobs {
                let limit = Duration.milliseconds(job.timeout.milliseconds)
                state.running[job.id] = RunningJob(job: job, deadline: clockNow + limit, task: nil, reason: nil)
            }
        }
        // `running` goes out before any task starts: a job that fails at once must not have its
        // `scheduled` (or `completed`) delivered ahead of it.
        if bus.hasSubscribers {
            for job in jobs {
                announcements.emit(.stateChanged(JobStateChange(job, timestamp: now)), for: job.id, into: bus)
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
