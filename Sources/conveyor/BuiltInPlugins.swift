import Conveyor
import Diagnostics

/// The plugins `serve` and `worker` register: every handler that ships with Conveyor.
enum BuiltInPlugins {
    static let all: [any ConveyorPlugin] = [DiagnosticsPlugin()]
}
