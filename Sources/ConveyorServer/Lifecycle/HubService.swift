import ServiceLifecycle

/// Runs the WebSocket hub. Its graceful shutdown comes after the workers drained (services
/// stop in reverse order): new jobs are refused from then on, every WebSocket gets a 1001
/// close, and only then does the listener stop.
struct HubService: Service {
    let server: ConveyorServer

    func run() async throws {
        await cancelWhenGracefulShutdown { await server.hub.run() }
        server.beginShutdown()
        await server.hub.closeAll(code: .goingAway)
    }
}
