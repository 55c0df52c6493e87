import Conveyor
import Foundation
import HummingbirdWebSocket
import Logging
import NIOWebSocket
import Synchronization

/// Fans runtime events out to WebSocket connections by subscription. One task reads the
/// runtime's event stream; each connection owns a bounded outbox drained by its own writer,
/// so a slow client never holds up the others (it loses its oldest unsent messages instead).
final class WebSocketHub: Sendable {
    enum Outgoing: Sendable {
        case text(String)
        case close(WebSocketErrorCode)
    }

    struct Connection {
        var identity: Identity?
        var jobs: Set<JobID> = []
        var queue = false
        var memory = false
        let outbox: AsyncStream<Outgoing>.Continuation
    }

    struct State {
        var nextID = 0
        var connections: [Int: Connection] = [:]
        var byJob: [JobID: Set<Int>] = [:]
        var closing = false
        var lastQueueStats: String?
        var lastMemoryStats: String?
    }

    let state = Mutex(State())
    let runtime: ConveyorRuntime
    let tokens: TokenAuthority
    let logger: Logger
    private let events: AsyncStream<JobEvent>

    init(runtime: ConveyorRuntime, tokens: TokenAuthority, logger: Logger) {
        self.runtime = runtime
        self.tokens = tokens
        self.logger = logger
        events = runtime.events()
    }

    var connectionCount: Int { state.withLock { $0.connections.count } }

    /// Delivers events and, once a second, changed queue/memory stats and the outcome of
    /// subscribed jobs that run in other processes. Returns when cancelled.
    func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await event in self.events { self.deliver(event) }
            }
            group.addTask {
                var tick = 0
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    tick += 1
                    await self.publishStats()
                    if tick % 2 == 0 { await self.pollSubscribedJobs() }
                }
            }
        }
    }

    /// Sends every connection a close frame with `code` and waits (at most `timeout`) for them to go.
    func closeAll(code: WebSocketErrorCode = .goingAway, timeout: Duration = .seconds(5)) async {
        let outboxes = state.withLock { state in
            state.closing = true
            return state.connections.values.map(\.outbox)
        }
        for outbox in outboxes { outbox.yield(.close(code)) }
        let deadline = ContinuousClock.now + timeout
        while connectionCount > 0, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
    }

    // MARK: - Fan-out

    private func deliver(_ event: JobEvent) {
        switch event {
        case .progress(let update):
            let outboxes = state.withLock { state in state.byJob[update.jobID].map { ids in ids.compactMap { state.connections[$0]?.outbox } } }
            guard let outboxes, !outboxes.isEmpty else { return }
            let text = ServerMessage.progress(update)
            for outbox in outboxes { outbox.yield(.text(text)) }
        case .stateChanged(let change) where change.status.isTerminal:
            finish(change.jobID) {
                ServerMessage.finished(jobID: change.jobID, status: change.status, result: change.result, error: change.error, timestamp: change.timestamp)
            }
        case .stateChanged, .memoryWarning:
            break
        }
    }

    /// Sends `job:finished` to the job's subscribers exactly once (whoever removes the
    /// subscription sends) and ends the subscription.
    func finish(_ id: JobID, message: () -> String) {
        let outboxes = state.withLock { state -> [AsyncStream<Outgoing>.Continuation] in
            guard let ids = state.byJob.removeValue(forKey: id) else { return [] }
            return ids.compactMap { connection in
                state.connections[connection]?.jobs.remove(id)
                return state.connections[connection]?.outbox
            }
        }
        guard !outboxes.isEmpty else { return }
        let text = message()
        for outbox in outboxes { outbox.yield(.text(text)) }
    }

    private func publishStats() async {
        let (queueOutboxes, memoryOutboxes) = state.withLock { state in
            (state.connections.values.filter(\.queue).map(\.outbox), state.connections.values.filter(\.memory).map(\.outbox))
        }
        if !queueOutboxes.isEmpty, let stats = try? await QueueStatsResource.current(runtime) {
            let text = ServerMessage.queueStats(stats)
            let changed = state.withLock { state in
                defer { state.lastQueueStats = text }
                return state.lastQueueStats != text
            }
            if changed { for outbox in queueOutboxes { outbox.yield(.text(text)) } }
        }
        if !memoryOutboxes.isEmpty {
            let text = ServerMessage.memoryStats(runtime.memory.stats)
            let changed = state.withLock { state in
                defer { state.lastMemoryStats = text }
                return state.lastMemoryStats != text
            }
            if changed { for outbox in memoryOutboxes { outbox.yield(.text(text)) } }
        }
    }

    /// Jobs finished by another process (a `conveyor worker`, another node) raise no event
    /// here; their subscribers learn the outcome from the store.
    private func pollSubscribedJobs() async {
        let ids = state.withLock { Array($0.byJob.keys.prefix(200)) }
        for id in ids {
            guard let job = try? await runtime.store.job(id), job.status.isTerminal else { continue }
            finish(id) {
                ServerMessage.finished(jobID: id, status: job.status, result: job.result, error: job.error, timestamp: job.finishedAt ?? Date())
            }
        }
    }
}
