public import Conveyor

/// `noop`, `sleep`, `flaky` and `tally`: job types for demos, tests and benchmarks. Copy this folder
/// to start a plugin of your own.
public struct DiagnosticsPlugin: ConveyorPlugin {
    public let name = "diagnostics"

    public init() {}

    public func register(into registry: inout HandlerRegistry) {
        registry.register(NoopHandler())
        registry.register(SleepHandler())
        registry.register(FlakyHandler())
        registry.register(TallyHandler())
    }
}
