import Conveyor
import ServiceLifecycle

/// For a server without workers: relays the events other processes publish through the store
/// (``ConveyorRuntime/relaySharedEvents()``) until shutdown.
struct EventRelayService: Service {
    let runtime: ConveyorRuntime

    func run() async throws {
        await cancelWhenGracefulShutdown { await runtime.relaySharedEvents() }
        // A store without shared events returns at once: stay until shutdown, since a service
        // that ends early stops the whole group.
        try await gracefulShutdown()
    }
}
