import Conveyor
import ConveyorAPI
import Foundation
import Hummingbird

extension ConveyorServer {
    /// `/api/flows…`: enqueue a graph or a chain of jobs in one go, read it back, cancel it.
    func addFlowRoutes(to api: RouterGroup<ServerContext>) {
        api.post("flows") { request, context in
            let identity = try context.requireIdentity()
            let body = try await JSONBody.decode(FlowBody.self, from: request, limit: self.configuration.maxBodySize)
            let plan = try FlowPlan(name: body.name, nodes: try Self.nodes(of: body, owner: identity.subject))
            let results = try await self.enqueue(plan.requests, as: identity)
            guard let flow = FlowSnapshot(id: plan.id, jobs: results.map(\.job)) else { throw APIError.badRequest("jobs: a flow holds 1–1000 jobs") }
            return try JSONBody.response(FlowResource(flow), status: .created)
        }
        api.get("flows/{id}") { _, context in
            try JSONBody.response(FlowResource(try await self.accessibleFlow(context)))
        }
        api.post("flows/{id}/cancel") { _, context in
            let flow = try await self.accessibleFlow(context)
            return try JSONBody.response(FlowResource(try await self.runtime.cancelFlow(flow.id)))
        }
    }

    /// The body's jobs as plan nodes: a `dependsOn` entry that is a key of this flow waits for
    /// that job; one that is a job id waits for that stored job; anything else is left for the
    /// plan to refuse by name.
    private static func nodes(of body: FlowBody, owner: String) throws -> [FlowPlan.Node] {
        if let chain = body.chain {
            return try chain.enumerated().map { index, job in
                guard job.dependsOn == nil else { throw APIError.badRequest("chain[\(index)].dependsOn: a chain's jobs wait for the one before; use jobs for a graph") }
                return FlowPlan.Node(key: "step-\(index + 1)", request: try job.request(owner: owner, dependsOn: []), after: index == 0 ? [] : ["step-\(index)"])
            }
        }
        let jobs = body.jobs ?? []
        let keys = Set(jobs.map(\.key))
        return try jobs.map { entry in
            let named = entry.job.dependsOn ?? []
            let stored = named.filter { !keys.contains($0) }.compactMap(JobID.init)
            let after = named.filter { keys.contains($0) || JobID($0) == nil }
            return FlowPlan.Node(key: entry.key, request: try entry.job.request(owner: owner, dependsOn: stored), after: after)
        }
    }

    /// The flow named by `{id}`, if the caller may see it: 400 for a malformed id, 404 when no job
    /// carries it, 403 when it is someone else's.
    private func accessibleFlow(_ context: ServerContext) async throws -> FlowSnapshot {
        let identity = try context.requireIdentity()
        let text = context.parameters.get("id") ?? ""
        guard let id = JobID(text) else { throw APIError.badRequest("id: \(MessageText.quoted(text)) is not a flow id (UUID)") }
        guard let flow = try await runtime.flow(id) else { throw APIError.notFound("No flow with id \(id)") }
        guard flow.jobs.allSatisfy({ identity.mayAccess(owner: $0.owner) }) else { throw APIError.forbidden("Flow \(id) belongs to another user") }
        return flow
    }
}
