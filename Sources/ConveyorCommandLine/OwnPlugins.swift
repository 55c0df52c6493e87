import Configuration
import Conveyor

/// The plugins a binary built on ``ConveyorCommand`` brings beside the built-ins, for `serve`
/// and `worker`: set once by ``ConveyorCommand/main(plugins:)`` for the whole run.
struct OwnPlugins: Sendable {
    @TaskLocal static var current = OwnPlugins { _ in [] }

    /// Given the run's settings (flags, environment, config file), the plugins to add.
    let make: @Sendable (ConfigReader) throws -> [any ConveyorPlugin]
}
