public import Conveyor

/// Extract → transform → load: the `etl` job type, and the `RunETL` stage for pipelines.
public struct ETLPlugin: ConveyorPlugin {
    public let name = "etl"
    private let configuration: ETLConfiguration

    public init(configuration: ETLConfiguration) {
        self.configuration = configuration
    }

    /// Registers `etl`.
    public func register(into registry: inout HandlerRegistry) {
        registry.register(ETLHandler(configuration: configuration))
    }
}
