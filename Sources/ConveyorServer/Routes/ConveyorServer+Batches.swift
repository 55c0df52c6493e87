import Conveyor
import ConveyorAPI
import Foundation
import Hummingbird

extension ConveyorServer {
    /// `/api/batches…`: enqueue a batch (jobs, or items cut into chunks) with its callbacks, read
    /// its progress, cancel it.
    func addBatchRoutes(to api: RouterGroup<ServerContext>) {
        api.post("batches") { request, context in
            let identity = try context.requireIdentity()
            let body = try await JSONBody.decode(NewBatchBody.self, from: request, limit: self.configuration.maxBodySize)
            let jobs = body.jobBodies()
            guard jobs.count <= Batch.maxJobs else {
                throw APIError.badRequest("\(body.items == nil ? "jobs" : "items"): \(jobs.count) jobs is over the limit of \(Batch.maxJobs) in one batch")
            }
            let requests = try jobs.enumerated().map { index, job in
                guard job.dependsOn == nil else { throw APIError.badRequest("jobs[\(index)].dependsOn: a batch's jobs cannot wait for other jobs; use a flow") }
                return try job.request(owner: identity.subject)
            }
            let callbacks = try body.callbacks.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key, try $0.value.request(owner: identity.subject)) }
            var batch = Batch(name: body.name)
            for request in requests { batch.add(request) }
            for (kind, request) in callbacks { batch.on(kind, request) }
            // Callbacks are checked as the jobs are (an admin-only type), named by their field.
            let checked = requests + callbacks.map(\.1)
            let snapshot = try await self.admitting(checked, as: identity, place: { $0 < jobs.count ? "jobs[\($0)]" : callbacks[$0 - jobs.count].0.rawValue }) {
                try await self.runtime.enqueue(batch, owner: identity.subject)
            }
            return try JSONBody.response(BatchResource(snapshot), status: .created)
        }
        api.get("batches/{id}") { _, context in
            try JSONBody.response(BatchResource(try await self.accessibleBatch(context)))
        }
        api.post("batches/{id}/cancel") { _, context in
            let batch = try await self.accessibleBatch(context)
            return try JSONBody.response(BatchResource(try await self.runtime.cancelBatch(batch.id)))
        }
    }

    /// The batch named by `{id}`, if the caller may see it: 400 for a malformed id, 404 when there
    /// is none, 403 when it is someone else's.
    private func accessibleBatch(_ context: ServerContext) async throws -> BatchSnapshot {
        let identity = try context.requireIdentity()
        let text = context.parameters.get("id") ?? ""
        guard let id = JobID(text) else { throw APIError.badRequest("id: \(MessageText.quoted(text)) is not a batch id (UUID)") }
        guard let batch = try await runtime.batch(id) else { throw APIError.notFound("No batch with id \(id)") }
        guard identity.mayAccess(owner: batch.owner) else { throw APIError.forbidden("Batch \(id) belongs to another user") }
        return batch
    }
}
