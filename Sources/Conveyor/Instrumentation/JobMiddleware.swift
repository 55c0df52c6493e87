public import Foundation

/// Wraps what a runtime does with jobs, from outside the handlers: metrics, logs, traces, limits
/// and cost all hang here, so every process that runs a runtime — a server, a `conveyor worker`,
/// your own — records them the same way. Give them to ``ConveyorRuntime/init(store:plugins:configuration:memory:middleware:logger:)``;
/// they run in the order given, the first outermost.
///
/// Every method has a default that does nothing: implement the ones you need.
public protocol JobMiddleware: Sendable {
    /// Around one attempt of `job` (as claimed: `job.attempts` is this attempt's number). Call
    /// `next` once to run it, and return or rethrow what it gives; throwing instead fails the
    /// attempt like a handler error would.
    func run(_ job: Job, context: JobContext, next: () async throws -> Data) async throws -> Data

    /// A job this runtime wrote to the store (not a deduplicated one).
    func enqueued(_ job: Job)

    /// How an attempt of `job` ended, once the store applied it — `job` as the move left it (its
    /// `scheduledAt` is when a retry runs): `completed`, `failed`, `scheduled` (a retry or a
    /// run-again), `queued` (released at shutdown) or `cancelled` (a user stopped it). `error` is
    /// why, when the attempt did not complete (none for a run-again or a release); `duration` is
    /// how long it ran.
    func ended(_ job: Job, as status: JobStatus, error: JobFailure?, duration: Duration)
}

extension JobMiddleware {
    public func run(_ job: Job, context: JobContext, next: () async throws -> Data) async throws -> Data { try await next() }
    public func enqueued(_ job: Job) {}
    public func ended(_ job: Job, as status: JobStatus, error: JobFailure?, duration: Duration) {}
}

extension Array where Element == any JobMiddleware {
    /// `body` wrapped by every middleware from the first (outermost) on.
    func run(_ job: Job, context: JobContext, from index: Int = 0, _ body: () async throws -> Data) async throws -> Data {
        guard index < count else { return try await body() }
        return try await self[index].run(job, context: context) { try await run(job, context: context, from: index + 1, body) }
    }
}
