/// The unit a developer writes: a named job type with typed input and output.
///
/// Input and output are `Codable` because they cross the store as JSON; the runtime decodes
/// the payload (a bad one fails at enqueue, naming the field) and encodes the result.
///
/// ```swift
/// struct Greet: JobHandler {
///     static let name = "greet"
///     func run(_ input: [String: String], context: JobContext) async throws -> String {
///         "Hello, \(input["name"] ?? "world")"
///     }
/// }
/// ```
public protocol JobHandler: Sendable {
    associatedtype Input: Codable & Sendable
    associatedtype Output: Codable & Sendable

    /// The job type: unique in a registry, used in `POST /api/jobs {"type": …}`.
    static var name: String { get }
    /// Queue, priority, retry policy, attempts and timeout for this type's jobs.
    static var options: JobOptions { get }
    /// A payload this handler accepts, shown by `GET /api/handlers` and the dashboard so
    /// people and clients see what to send; its fields are read off `Input` with it.
    static var example: Input? { get }

    /// Does the work. Throw `JobError` to choose how a failure is treated; honour task
    /// cancellation, which is how timeouts, cancels and shutdown stop the job.
    func run(_ input: Input, context: JobContext) async throws -> Output
}

extension JobHandler {
    public static var options: JobOptions { JobOptions() }
    public static var example: Input? { nil }
}
