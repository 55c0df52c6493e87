/// A bundle of handlers and pipelines. The runtime starts from a list of plugins, so a
/// deployment picks its capabilities by listing them, and the core names none of them.
public protocol ConveyorPlugin: Sendable {
    /// Shown in logs and `GET /api/handlers`.
    var name: String { get }
    /// Adds this plugin's handlers and pipelines.
    func register(into registry: inout HandlerRegistry)
}
