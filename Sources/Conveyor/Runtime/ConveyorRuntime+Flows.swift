extension ConveyorRuntime {
    /// Enqueues every job of `flow` in one store call: all or nothing, each `waiting` until the
    /// jobs it comes after end. Returns the flow as stored.
    @discardableResult
    public func enqueue(_ flow: Flow, owner: String? = nil) async throws -> FlowSnapshot {
        try await enqueue(FlowPlan(name: flow.name, nodes: flow.nodes), owner: owner)
    }

    /// Enqueues a checked flow (``FlowPlan``) for `owner`. Throws what ``enqueue(_:)-([JobRequest])``
    /// throws, naming `jobs[i]` in the plan's order.
    public func enqueue(_ plan: FlowPlan, owner: String?) async throws -> FlowSnapshot {
        let requests = plan.requests.map { request in
            var request = request
            request.options.owner = owner
            return request
        }
        let results = try await enqueue(requests)
        guard let snapshot = FlowSnapshot(id: plan.id, jobs: results.map(\.job)) else {
            throw ConveyorError(.invalidInput, "jobs: a flow holds 1–1000 jobs (got 0)")
        }
        return snapshot
    }

    /// The flow with this id as its jobs say now; `nil` when no job carries it.
    public func flow(_ id: JobID) async throws -> FlowSnapshot? {
        let page = try await store.jobs(matching: JobFilter(flowID: id, limit: 1_000))
        return FlowSnapshot(id: id, jobs: page.jobs)
    }

    /// Cancels every unfinished job of the flow (what waits on them ends with them); returns the
    /// flow after. Throws `.notFound` for a flow no job carries.
    public func cancelFlow(_ id: JobID) async throws -> FlowSnapshot {
        guard let flow = try await flow(id) else { throw ConveyorError(.notFound, "No flow with id \(id)") }
        // Waiting jobs first would be cancelled anyway by their dependencies; cancel in order so
        // the running and queued ones stop first.
        for job in flow.jobs where !job.status.isTerminal {
            do { _ = try await cancel(job.id) } catch let error as ConveyorError where error.code == .conflict {
                // Ended meanwhile (or by a dependency's cancel): nothing to do.
            }
        }
        return try await self.flow(id) ?? flow
    }
}
