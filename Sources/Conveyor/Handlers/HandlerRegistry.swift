/// The job types a runtime knows. Plugins fill it; the runtime reads it; it describes itself
/// for `GET /api/handlers`.
public struct HandlerRegistry: Sendable {
    private(set) var handlers: [String: RegisteredHandler] = [:]
    /// Names registered more than once; the runtime refuses to start with any.
    private(set) var duplicates: [String] = []
    private var currentPlugin: String?

    public init() {}

    /// A registry holding every handler of these plugins.
    public init(plugins: [any ConveyorPlugin]) {
        for plugin in plugins {
            currentPlugin = plugin.name
            plugin.register(into: &self)
        }
        currentPlugin = nil
    }

    /// Registers a handler under `H.name`.
    public mutating func register<H: JobHandler>(_ handler: H) {
        let description = HandlerDescription(
            name: H.name, kind: "handler", plugin: currentPlugin, queue: H.options.queue, priority: H.options.priority,
            maxAttempts: H.options.maxAttempts, timeoutSeconds: H.options.timeout?.seconds, stages: [],
            payload: PayloadDescription(H.Input.self, example: H.example))
        add(RegisteredHandler(description: description, options: H.options) { input, context in
            try await handler.run(input, context: context)
        })
    }

    /// Registers a pipeline under its name; it runs as one job whose progress spans its stages.
    public mutating func register<Input, Output>(_ pipeline: Pipeline<Input, Output>) {
        let description = HandlerDescription(
            name: pipeline.name, kind: "pipeline", plugin: currentPlugin, queue: pipeline.options.queue,
            priority: pipeline.options.priority, maxAttempts: pipeline.options.maxAttempts,
            timeoutSeconds: pipeline.options.timeout?.seconds, stages: pipeline.stages,
            payload: PayloadDescription(Input.self, example: pipeline.example))
        add(RegisteredHandler(description: description, options: pipeline.options) { input, context in
            try await pipeline.run(input, context: context)
        })
    }

    /// Registers a type this process knows but cannot run, because its plugin lacks a setting
    /// only running needs (a bot token, an SMTP server): an API process validates and accepts
    /// its jobs without holding the secret, and a worker that claims one leaves it — run again
    /// after ``unavailableRetry`` without spending an attempt, its error saying `reason` — for a
    /// worker that has the setting.
    public mutating func register<Input: Codable & Sendable>(
        unavailable name: String, input: Input.Type, example: Input? = nil, options: JobOptions = JobOptions(),
        stages: [HandlerDescription.StageInfo] = [], reason: String
    ) {
        let description = HandlerDescription(
            name: name, kind: stages.isEmpty ? "handler" : "pipeline", plugin: currentPlugin, queue: options.queue,
            priority: options.priority, maxAttempts: options.maxAttempts, timeoutSeconds: options.timeout?.seconds, stages: stages,
            payload: PayloadDescription(Input.self, example: example), unavailable: reason)
        let retry = Self.unavailableRetry
        add(RegisteredHandler(description: description, options: options) { (_: Input, context: JobContext) -> JSONValue in
            context.logger.warning("This worker cannot run this job type; left for one that can", metadata: ["reason": "\(reason)"])
            throw JobError(
                code: .handlerUnavailable, message: "This worker cannot run '\(name)': \(reason); it runs again on a worker that can",
                isPermanent: false, runAgainAfter: retry)
        })
    }

    /// How long a job a worker cannot run waits before it is offered again.
    public static let unavailableRetry = Duration.seconds(30)

    /// Every registered type, sorted by name.
    public var descriptions: [HandlerDescription] {
        handlers.values.map(\.description).sorted { $0.name < $1.name }
    }

    /// The registered type names, sorted.
    public var names: [String] { handlers.keys.sorted() }

    subscript(name: String) -> RegisteredHandler? { handlers[name] }

    /// What is registered under `name` (its stages, for a pipeline); `nil` for an unknown type.
    public func description(of name: String) -> HandlerDescription? { handlers[name]?.description }

    private mutating func add(_ handler: RegisteredHandler) {
        let name = handler.description.name
        if handlers[name] != nil { duplicates.append(name) }
        handlers[name] = handler
    }
}
