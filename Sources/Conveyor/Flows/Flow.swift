/// A flow built in Swift, with typed steps: each `add` returns a handle later steps wait for.
///
/// ```swift
/// var flow = Flow(name: "publish")
/// let video = try flow.add(type: VideoToTelegram.name, payload: request)
/// try flow.add(EmailHandler.self, notice, after: [video])
/// let started = try await runtime.enqueue(flow)
/// ```
///
/// A step runs once every step it comes after has completed; when one fails, the steps after
/// it end `cancelled` (or, with `onDependencyFailure: .run`, run anyway). The handler of a later
/// step reads an earlier one's output with `try context.result(of: VideoToTelegram.self)`.
public struct Flow: Sendable {
    /// A step of the flow, standing for the job it becomes.
    public struct Step<Handler: JobHandler>: Sendable {
        public let key: String
    }

    public let name: String?
    private(set) var nodes: [FlowPlan.Node] = []

    public init(name: String? = nil) {
        self.name = name
    }

    /// Adds a job of `handler`'s type with `input`, after `steps` (each must have completed,
    /// as `options.onDependencyFailure` says). `key` names it in the flow (default: the type and
    /// its place, "fetch-1").
    @discardableResult
    public mutating func add<H: JobHandler>(
        _ handler: H.Type, _ input: H.Input, after steps: [any FlowStepProtocol] = [], key: String? = nil, options: EnqueueOptions = EnqueueOptions()
    ) throws -> Step<H> {
        let key = key ?? "\(H.name)-\(nodes.count + 1)"
        let request = JobRequest(type: H.name, payload: try JSONCoding.encode(input), options: options)
        nodes.append(FlowPlan.Node(key: key, request: request, after: steps.map(\.key)))
        return Step(key: key)
    }

    /// Adds a job of any registered type (a pipeline's name, say) with `payload` as its input.
    @discardableResult
    public mutating func add(
        type: String, payload: some Encodable & Sendable, after steps: [any FlowStepProtocol] = [], key: String? = nil,
        options: EnqueueOptions = EnqueueOptions()
    ) throws -> StepKey {
        let key = key ?? "\(type)-\(nodes.count + 1)"
        nodes.append(FlowPlan.Node(key: key, request: JobRequest(type: type, payload: try JSONCoding.encode(payload), options: options), after: steps.map(\.key)))
        return StepKey(key: key)
    }

    /// A step added by type name.
    public struct StepKey: FlowStepProtocol {
        public let key: String
    }

    /// A chain: each step after the one before.
    @discardableResult
    public mutating func add<H: JobHandler>(
        _ handler: H.Type, _ input: H.Input, after step: any FlowStepProtocol, key: String? = nil, options: EnqueueOptions = EnqueueOptions()
    ) throws -> Step<H> {
        try add(handler, input, after: [step], key: key, options: options)
    }
}

/// What `after:` takes: any step of a ``Flow``, whatever its handler.
public protocol FlowStepProtocol: Sendable {
    var key: String { get }
}

extension Flow.Step: FlowStepProtocol {}
