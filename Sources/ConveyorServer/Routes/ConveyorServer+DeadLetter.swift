import Conveyor
import ConveyorAPI
import Foundation
import Hummingbird

extension ConveyorServer {
    /// `/api/dead-letter…` (admins): the failed jobs, retrying one, deleting old ones.
    func addDeadLetterRoutes(to api: RouterGroup<ServerContext>) {
        api.get("dead-letter") { request, context in
            _ = try context.requireAdmin()
            var filter = JobFilter(status: .failed)
            try Self.applyPage(request.uri.queryParameters, to: &filter)
            let page = try await self.runtime.store.jobs(matching: filter)
            return try JSONBody.response(JobListResource(jobs: page.jobs.map { JobResource($0) }, nextCursor: page.nextCursor?.description))
        }
        api.post("dead-letter/{id}/retry") { _, context in
            _ = try context.requireAdmin()
            let id = try Self.jobID(context)
            guard let job = try await self.runtime.store.job(id) else { throw APIError.notFound("No job with id \(id)") }
            guard job.status == .failed else {
                throw APIError(.conflict, "conflict", "Job \(id) is \(job.status.rawValue), not in the dead-letter list (failed)")
            }
            return try JSONBody.response(JobResource(try await self.runtime.retry(id)))
        }
        api.post("dead-letter/cleanup") { request, context in
            _ = try context.requireAdmin()
            let body = try await JSONBody.decode(CleanupBody.self, from: request, limit: self.configuration.maxBodySize)
            let deleted = try await self.runtime.store.deleteFailed(finishedBefore: Date().addingTimeInterval(-body.olderThan.duration.seconds))
            return try JSONBody.response(["deleted": deleted])
        }
    }
}
