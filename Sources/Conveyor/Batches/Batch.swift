/// A batch built in Swift: jobs that run independently, and callback jobs enqueued once when
/// they have all ended (`onComplete`), all completed (`onSuccess`), or the first failed for good
/// (`onFailure`).
///
/// ```swift
/// var batch = Batch(name: "newsletter")
/// for address in addresses { try batch.add(EmailHandler.self, EmailRequest(to: [address], subject: "News", text: "Hello")) }
/// try batch.on(.onComplete, Report.self, ReportRequest(list: "newsletter"))
/// let started = try await runtime.enqueue(batch)
/// ```
///
/// A callback's handler reads the batch's counts from `context.batch`.
public struct Batch: Sendable {
    /// The most jobs one batch holds.
    public static let maxJobs = 100_000

    public let name: String?
    private(set) var requests: [JobRequest] = []
    private(set) var callbacks: [BatchCallbackKind: JobRequest] = [:]

    public init(name: String? = nil) {
        self.name = name
    }

    /// Adds a job of `handler`'s type with `input`.
    public mutating func add<H: JobHandler>(_ handler: H.Type, _ input: H.Input, options: EnqueueOptions = EnqueueOptions()) throws {
        requests.append(JobRequest(type: H.name, payload: try JSONCoding.encode(input), options: options))
    }

    /// Adds a job of any registered type (a pipeline's name, say) with `payload` as its input.
    public mutating func add(type: String, payload: some Encodable & Sendable, options: EnqueueOptions = EnqueueOptions()) throws {
        requests.append(JobRequest(type: type, payload: try JSONCoding.encode(payload), options: options))
    }

    /// Adds an already encoded job.
    public mutating func add(_ request: JobRequest) {
        requests.append(request)
    }

    /// Sets the callback `kind` to a job of `handler`'s type with `input`.
    public mutating func on<H: JobHandler>(_ kind: BatchCallbackKind, _ handler: H.Type, _ input: H.Input, options: EnqueueOptions = EnqueueOptions()) throws {
        callbacks[kind] = JobRequest(type: H.name, payload: try JSONCoding.encode(input), options: options)
    }

    /// Sets the callback `kind` to an already encoded job.
    public mutating func on(_ kind: BatchCallbackKind, _ request: JobRequest) {
        callbacks[kind] = request
    }
}
