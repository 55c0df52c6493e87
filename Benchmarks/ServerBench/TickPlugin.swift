import Conveyor

/// Registers ``TickHandler``.
struct TickPlugin: ConveyorPlugin {
    let name = "server-bench"

    func register(into registry: inout HandlerRegistry) { registry.register(TickHandler()) }
}
