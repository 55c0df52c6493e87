import Foundation

extension ConveyorRuntime {
    /// Enqueues one job of a registered type. Throws `ConveyorError` naming the problem:
    /// `.unknownJobType` (with the known ones), `.invalidPayload` (naming the field),
    /// `.invalidInput` (an option out of range), `.queueFull`, `.tooManyJobs`, and `.shuttingDown`
    /// once the runtime drains.
    @discardableResult
    public func enqueue(_ request: JobRequest) async throws -> EnqueueResult {
        try await enqueue([request])[0]
    }

    /// Enqueues several jobs, all or none; errors name the job's index (`jobs[2].payload…`).
    @discardableResult
    public func enqueue(_ requests: [JobRequest]) async throws -> [EnqueueResult] {
        guard !isDraining else { throw ConveyorError(.shuttingDown, "This process is shutting down and takes no new jobs") }
        let now = Date()
        var jobs: [NewJob] = []
        jobs.reserveCapacity(requests.count)
        for (index, request) in requests.enumerated() {
            do { jobs.append(try resolve(request, now: now)) } catch let error as ConveyorError where requests.count > 1 {
                throw ConveyorError(error.code, "jobs[\(index)]: \(error.message)")
            }
        }
        // A worker woken by the store's commit may report these jobs before this returns: their
        // events wait behind the `queued` (or `scheduled`) announced here.
        let announcing = bus.hasSubscribers
        let ids = jobs.map(\.id)
        if announcing { announcements.hold(ids) }
        if !middleware.isEmpty { enqueueHooks.hold(ids) }
        defer { if !middleware.isEmpty { enqueueHooks.release(ids) } }
        let results: [EnqueueResult]
        do {
            results = try await store.enqueue(jobs, limits: configuration.enqueueLimits)
        } catch {
            if announcing { announcements.release(ids, announcing: [:], into: bus) }
            throw error
        }
        if announcing {
            var first: [JobID: JobEvent] = [:]
            for result in results where !result.deduplicated {
                let job = result.job
                first[job.id] = .stateChanged(JobStateChange(job, timestamp: now))
            }
            announcements.release(ids, announcing: first, into: bus)
        }
        if !middleware.isEmpty {
            for result in results where !result.deduplicated { for each in middleware { each.enqueued(result.job) } }
        }
        if results.contains(where: { !$0.deduplicated && $0.job.status == .queued }) { signal(work: true) }
        return results
    }

    /// Enqueues a job for a handler type with a typed input.
    @discardableResult
    public func enqueue<H: JobHandler>(_ handler: H.Type, _ input: H.Input, options: EnqueueOptions = EnqueueOptions()) async throws -> EnqueueResult {
        try await enqueue(JobRequest(type: H.name, payload: try JSONCoding.encode(input), options: options))
    }

    /// Enqueues a job for a pipeline with a typed input.
    @discardableResult
    public func enqueue<Input, Output>(_ pipeline: Pipeline<Input, Output>, _ input: Input, options: EnqueueOptions = EnqueueOptions()) async throws -> EnqueueResult {
        try await enqueue(JobRequest(type: pipeline.name, payload: try JSONCoding.encode(input), options: options))
    }

    /// Cancels a scheduled, waiting, queued or running job; a running one here is stopped at once
    /// (elsewhere, at its worker's next heartbeat).
    @discardableResult
    public func cancel(_ id: JobID) async throws -> Job {
        let job = try await store.cancel(id, now: Date())
        stop(id, because: .cancelled)
        bus.emit(.stateChanged(JobStateChange(job)))
        return job
    }

    /// Puts a failed or cancelled job back in its queue with its attempts reset.
    @discardableResult
    public func retry(_ id: JobID) async throws -> Job {
        let job = try await store.retry(id, now: Date())
        signal(work: true)
        bus.emit(.stateChanged(JobStateChange(job)))
        return job
    }

    /// Stops claiming from a queue (for every worker sharing the store).
    public func pause(queue: String) async throws { try await store.setPaused(true, queue: queue) }

    /// Starts claiming from a paused queue again.
    public func resume(queue: String) async throws {
        try await store.setPaused(false, queue: queue)
        signal(work: true)
    }

    /// Waits until the job is completed, failed or cancelled and returns it. Watches this
    /// process's events and, for jobs run elsewhere, polls the store every `pollEvery`.
    public func waitUntilFinished(_ id: JobID, pollEvery: Duration = .milliseconds(500)) async throws -> Job {
        let events = bus.subscribe()
        return try await withThrowingTaskGroup(of: Job?.self) { group in
            group.addTask {
                for await event in events {
                    if case .stateChanged(let change) = event, change.jobID == id, change.status.isTerminal { break }
                }
                return nil
            }
            group.addTask {
                while true {
                    guard let job = try await self.store.job(id) else { throw ConveyorError(.notFound, "No job with id \(id)") }
                    if job.status.isTerminal { return job }
                    try await Task.sleep(for: pollEvery)
                }
            }
            defer { group.cancelAll() }
            while let next = try await group.next() {
                if let job = next { return job }
                if let job = try await store.job(id), job.status.isTerminal { return job }
            }
            throw CancellationError()
        }
    }

    func resolve(_ request: JobRequest, now: Date) throws -> NewJob {
        guard let handler = registry[request.type] else {
            throw ConveyorError(.unknownJobType, "Unknown job type \(MessageText.quoted(request.type)). Known types: \(registry.names.joined(separator: ", ")).")
        }
        try handler.validate(request.payload)
        let options = request.options
        let queue = options.queue ?? handler.options.queue
        guard (1...64).contains(queue.count), queue.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else {
            throw ConveyorError(.invalidInput, "queue: \(MessageText.quoted(queue)) must be 1–64 letters, digits, '.', '_' or '-'")
        }
        let maxAttempts = options.maxAttempts ?? handler.options.maxAttempts
        guard (1...100).contains(maxAttempts) else {
            throw ConveyorError(.invalidInput, "maxAttempts: \(maxAttempts) is out of range 1…100")
        }
        let timeout = options.timeout ?? handler.options.timeout ?? configuration.defaultTimeout
        guard timeout >= .milliseconds(1), timeout <= .seconds(7 * 86_400) else {
            throw ConveyorError(.invalidInput, "timeout: \(DurationText.format(timeout)) is out of range 1ms…7d")
        }
        if options.delay != nil && options.runAt != nil {
            throw ConveyorError(.invalidInput, "delay and runAt: give one or the other, not both")
        }
        if let delay = options.delay, delay < .zero || delay > .seconds(366 * 86_400) {
            throw ConveyorError(.invalidInput, "delay: \(delay) is out of range 0s…366d")
        }
        if let key = options.dedupKey, !(1...255).contains(key.utf8.count) {
            throw ConveyorError(.invalidInput, "dedupKey: must be 1–255 bytes long")
        }
        // Stores keep text up to a NUL in some paths: "a\0b" would collide with "a".
        if options.dedupKey?.contains("\0") == true { throw ConveyorError(.invalidInput, "dedupKey: must not contain NUL characters") }
        if let owner = options.owner, owner.isEmpty || owner.contains("\0") || owner.utf8.count > 255 {
            throw ConveyorError(.invalidInput, "owner: must be 1–255 bytes without NUL characters")
        }
        guard options.dependsOn.count <= 1_000 else {
            throw ConveyorError(.invalidInput, "dependsOn: \(options.dependsOn.count) jobs is over the limit of 1000")
        }
        let runAt = options.runAt ?? now.addingTimeInterval(options.delay?.seconds ?? 0)
        return NewJob(
            id: options.jobID ?? .make(), type: request.type, queue: queue, priority: options.priority ?? handler.options.priority, payload: request.payload,
            maxAttempts: maxAttempts, timeout: timeout, owner: options.owner, dedupKey: options.dedupKey, createdAt: now,
            runAt: max(runAt, now), dependsOn: options.dependsOn, onDependencyFailure: options.onDependencyFailure ?? .cancel, flow: options.flow)
    }
}
