import Conveyor
import ConveyorAPI
import Foundation
import Hummingbird
import HummingbirdCore

extension ConveyorServer {
    /// `/api/jobs…`: enqueue (one or a batch), list, read, cancel, retry.
    func addJobRoutes(to api: RouterGroup<ServerContext>) {
        api.post("jobs") { request, context in
            let identity = try context.requireIdentity()
            let body = try await JSONBody.decode(EnqueueBody.self, from: request, limit: self.configuration.maxBodySize)
            let result = try await self.enqueue([body.request(owner: identity.subject)], as: identity)[0]
            return try JSONBody.response(JobResource(result.job, deduplicated: result.deduplicated), status: result.deduplicated ? .ok : .created)
        }
        api.post("jobs/batch") { request, context in
            let identity = try context.requireIdentity()
            let body = try await JSONBody.decode(BatchBody.self, from: request, limit: self.configuration.maxBodySize)
            guard (1...1_000).contains(body.jobs.count) else { throw APIError.badRequest("jobs: must hold 1–1000 jobs (got \(body.jobs.count))") }
            let requests = try body.jobs.map { try $0.request(owner: identity.subject) }
            let results = try await self.enqueue(requests, as: identity)
            return try JSONBody.response(JobBatchResource(jobs: results.map { JobResource($0.job, deduplicated: $0.deduplicated) }), status: .created)
        }
        api.get("jobs") { request, context in
            let identity = try context.requireIdentity()
            var filter = try Self.filter(from: request)
            if !identity.isAdmin { filter.owner = identity.subject }
            let page = try await self.runtime.store.jobs(matching: filter)
            return try JSONBody.response(JobListResource(jobs: page.jobs.map { JobResource($0) }, nextCursor: page.nextCursor?.description))
        }
        api.get("jobs/{id}") { _, context in
            try JSONBody.response(try await self.resourceWithSteps(try await self.accessibleJob(context)))
        }
        api.post("jobs/{id}/cancel") { _, context in
            let job = try await self.accessibleJob(context)
            return try JSONBody.response(try await self.resourceWithSteps(try await self.runtime.cancel(job.id)))
        }
        api.post("jobs/{id}/retry") { _, context in
            let job = try await self.accessibleJob(context)
            return try JSONBody.response(try await self.resourceWithSteps(try await self.runtime.retry(job.id)))
        }
    }

    /// The job with its steps: its pipeline's stages as this server registered them, and what its
    /// attempts recorded.
    func resourceWithSteps(_ job: Job) async throws -> JobResource {
        let stages = runtime.registry.description(of: job.type)?.stages.map(\.name) ?? []
        let records = try await runtime.store.steps(of: job.id)
        return JobResource(job, steps: StepResource.list(for: job, records: records, stages: stages))
    }

    /// Enqueues for `identity`: refused while draining, and for a type only admins may run.
    func enqueue(_ requests: [JobRequest], as identity: Identity) async throws -> [EnqueueResult] {
        try await admitting(requests, as: identity) { try await runtime.enqueue(requests) }
    }

    /// Runs `enqueue` unless the server is draining or `requests` (named as `place(i)` says) hold a
    /// type only admins may run or another user's job to wait for; a full queue or store comes
    /// out as 503 and a user over their limit as 429, each with `Retry-After`.
    func admitting<T>(
        _ requests: [JobRequest], as identity: Identity, place: (Int) -> String? = { _ in nil }, _ enqueue: () async throws -> T
    ) async throws -> T {
        guard !isDraining else { throw APIError.shuttingDown }
        if !identity.isAdmin, let (index, request) = requests.enumerated().first(where: { configuration.adminOnlyTypes.contains($0.element.type) }) {
            let place = place(index).map { "\($0).type" } ?? (requests.count > 1 ? "jobs[\(index)].type" : "type")
            throw APIError(.forbidden, "admin_only_type", "\(place): only admins may enqueue \(MessageText.quoted(request.type)) jobs on this server (CONVEYOR_ADMIN_ONLY_TYPES)")
        }
        if !identity.isAdmin { try await checkDependencies(of: requests, belongTo: identity) }
        do {
            return try await enqueue()
        } catch let error as ConveyorError where error.code == .queueFull {
            throw APIError(.serviceUnavailable, error.code.rawValue, error.message, headers: [.retryAfter: "5"])
        } catch let error as ConveyorError where error.code == .tooManyJobs {
            throw APIError(.tooManyRequests, error.code.rawValue, error.message, headers: [.retryAfter: "5"])
        }
    }

    /// A user may wait only for their own jobs (admins for any): the first other user's job is
    /// refused by its place. Ids the store does not hold are left for it to name.
    private func checkDependencies(of requests: [JobRequest], belongTo identity: Identity) async throws {
        for (index, request) in requests.enumerated() {
            for (position, id) in request.options.dependsOn.enumerated() {
                guard let job = try await runtime.store.job(id), !identity.mayAccess(owner: job.owner) else { continue }
                let place = requests.count > 1 ? "jobs[\(index)].dependsOn[\(position)]" : "dependsOn[\(position)]"
                throw APIError.badRequest("\(place): job \(id) belongs to another user")
            }
        }
    }

    /// The job named by `{id}`, if the caller may see it: 400 for a malformed id, 404 when
    /// there is none, 403 when it is someone else's.
    func accessibleJob(_ context: ServerContext) async throws -> Job {
        let identity = try context.requireIdentity()
        let id = try Self.jobID(context)
        guard let job = try await runtime.store.job(id) else { throw APIError.notFound("No job with id \(id)") }
        guard identity.mayAccess(owner: job.owner) else { throw APIError.forbidden("Job \(id) belongs to another user") }
        return job
    }

    static func jobID(_ context: ServerContext) throws -> JobID {
        let text = context.parameters.get("id") ?? ""
        guard let id = JobID(text) else { throw APIError.badRequest("id: \(MessageText.quoted(text)) is not a job id (UUID)") }
        return id
    }

    private static func filter(from request: Request) throws -> JobFilter {
        let query = request.uri.queryParameters
        var filter = JobFilter()
        for (key, _) in query where !["status", "type", "queue", "search", "limit", "cursor"].contains(String(key)) {
            throw APIError.badRequest("\(key): is not a known filter (allowed: status, type, queue, search, limit, cursor)")
        }
        if let text = query["status"].map(String.init) {
            guard let status = JobStatus(rawValue: text) else {
                throw APIError.badRequest("status: \(MessageText.quoted(text)) is not one of \(JobStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.status = status
        }
        filter.type = query["type"].map(String.init)
        filter.queue = query["queue"].map(String.init)
        if let text = query["search"].map(String.init), !text.isEmpty {
            guard text.unicodeScalars.count <= 200 else { throw APIError.badRequest("search: \(text.unicodeScalars.count) characters is over the limit of 200") }
            guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw APIError.badRequest("search: control characters cannot be searched for")
            }
            filter.search = text
        }
        try applyPage(query, to: &filter)
        return filter
    }

    /// `limit` (1…1000) and `cursor` (the previous page's `nextCursor`).
    static func applyPage(_ query: FlatDictionary<Substring, Substring>, to filter: inout JobFilter) throws {
        if let text = query["limit"].map(String.init) {
            guard let limit = Int(text), (1...1_000).contains(limit) else { throw APIError.badRequest("limit: \(MessageText.quoted(text)) is out of range 1…1000") }
            filter.limit = limit
        }
        if let text = query["cursor"].map(String.init) {
            guard let cursor = JobID(text) else { throw APIError.badRequest("cursor: \(MessageText.quoted(text)) is not a job id (UUID)") }
            filter.cursor = cursor
        }
    }
}
