import Foundation

extension ConveyorRuntime {
    /// The periodic side of the runtime, on one 50 ms tick: timeouts and progress every tick (so a
    /// report reaches the store, and other processes, within 50 ms);
    /// due jobs and a poll for work every `pollInterval`; heartbeats every third of a lease;
    /// rescue of lapsed leases every half lease; pruning every `pruneInterval`.
    func maintain() async {
        let tick = Duration.milliseconds(50)
        let clock = ContinuousClock()
        var nextPoll = clock.now
        var nextHeartbeat = clock.now + configuration.leaseDuration / 3
        var nextRescue = clock.now + configuration.leaseDuration / 2
        var nextPrune = clock.now + configuration.pruneInterval
        var nextReport = clock.now
        while !Task.isCancelled {
            do { try await Task.sleep(for: min(tick, configuration.pollInterval)) } catch { return }
            let now = clock.now
            enforceTimeouts(now: now)
            await flushProgress()
            if now >= nextPoll {
                nextPoll = now + configuration.pollInterval
                await run("promote due jobs") { _ = try await self.store.promoteDueJobs(now: Date()) }
                signal(work: true)
            }
            if now >= nextReport {
                nextReport = now + WorkerRecord.reportInterval
                await reportWorker()
            }
            if now >= nextHeartbeat {
                nextHeartbeat = now + configuration.leaseDuration / 3
                await heartbeat()
            }
            if now >= nextRescue {
                nextRescue = now + configuration.leaseDuration / 2
                await run("rescue expired leases") {
                    let rescued = try await self.store.rescueExpiredLeases(now: Date())
                    if rescued > 0 {
                        self.logger.warning("Re-queued jobs whose worker stopped renewing its lease", metadata: ["count": "\(rescued)"])
                        self.signal(work: true)
                    }
                }
            }
            if now >= nextPrune {
                nextPrune = now + configuration.pruneInterval
                await run("prune finished jobs") {
                    let pruned = try await self.store.prune(self.configuration.retention, now: Date())
                    if pruned > 0 { self.logger.debug("Pruned finished jobs", metadata: ["count": "\(pruned)"]) }
                }
            }
        }
    }

    /// Writes the last reports of jobs about to be settled first, so a finished job keeps its
    /// final stage and message (not one from a tick before). Nothing to write, no store call.
    func flushProgress(of settlement: ConveyorRuntime.Settlement) async {
        let pending = coordinator.withLock { state in settlement.outcomes.contains { state.progress[$0.jobID] != nil } }
        if pending { await flushProgress() }
    }

    func flushProgress() async {
        let updates = coordinator.withLock { state in
            defer { state.progress = [:] }
            return state.progress
        }
        guard !updates.isEmpty else { return }
        await run("record progress") { try await self.store.recordProgress(updates) }
    }

    private func enforceTimeouts(now: ContinuousClock.Instant) {
        let expired = coordinator.withLock { state in
            state.running.values.filter { $0.reason == nil && $0.deadline <= now }.map(\.job.id)
        }
        for id in expired {
            logger.warning("Job timed out; cancelling it", metadata: ["job.id": "\(id)"])
            stop(id, because: .timeout)
        }
    }

    private func heartbeat() async {
        let ids = coordinator.withLock { Array($0.running.keys) }
        guard !ids.isEmpty else { return }
        await run("renew leases") {
            let until = Date().addingTimeInterval(self.configuration.leaseDuration.seconds)
            let lost = try await self.store.heartbeat(workerID: self.configuration.workerID, jobs: ids, leaseExpiresAt: until)
            for id in lost {
                self.logger.info("Stopping a job this worker no longer holds (cancelled or re-queued)", metadata: ["job.id": "\(id)"])
                self.stop(id, because: .leaseLost)
            }
        }
    }

    /// Runs a store chore, logging instead of failing: the next tick tries again.
    func run(_ chore: String, _ body: () async throws -> Void) async {
        do { try await body() } catch {
            logger.warning("Could not \(chore); will try again", metadata: ["error": "\(error)"])
        }
    }
}
