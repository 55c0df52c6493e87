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
            maxAttempts: H.options.maxAttempts, timeoutSeconds: H.options.timeout?.seconds, stages: [])
        add(RegisteredHandler(description: description, options: H.options) { input, context in
            try await handler.run(input, context: context)
        })
    }

    /// Registers a pipeline under its name; it runs as one job whose progress spans its stages.
    public mutating func register<Input, Output>(_ pipeline: Pipeline<Input, Output>) {
        let description = HandlerDescription(
            name: pipeline.name, kind: "pipeline", plugin: currentPlugin, queue: pipeline.options.queue,
            priority: pipeline.options.priority, maxAttempts: pipeline.options.maxAttempts,
            timeoutSeconds: pipeline.options.timeout?.seconds, stages: pipeline.stages)
        add(RegisteredHandler(description: description, options: pipeline.options) { input, context in
            try await pipeline.run(input, context: context)
        })
    }

    /// Every registered type, sorted by name.
    public var descriptions: [HandlerDescription] {
        handlers.values.map(\.description).sorted { $0.name < $1.name }
    }

    /// The registered type names, sorted.
    public var names: [String] { handlers.keys.sorted() }

    subscript(name: String) -> RegisteredHandler? { handlers[name] }

    private mutating func add(_ handler: RegisteredHandler) {
        let name = handler.description.name
        if handlers[name] != nil { duplicates.append(name) }
        handlers[name] = handler
    }
}
