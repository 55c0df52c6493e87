public import Conveyor

/// A plugin registers both; a runtime — yours, or `conveyor serve` built with it — starts from plugins.
public struct SamplePlugin: ConveyorPlugin {
    public let name = "sample"
    public init() {}

    public func register(into registry: inout HandlerRegistry) {
        registry.register(Greet())
        registry.register(wordCount)
    }
}
