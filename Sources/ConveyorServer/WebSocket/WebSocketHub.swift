import Conveyor
import ConveyorAPI
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
        /// The flows and batches followed, each with the message it was sent last.
        var groups: [Group: String] = [:]
        /// The stats this connection was sent last: a tick sends only what changed for it.
        var sentQueueStats: String?
        var sentMemoryStats: String?
        let outbox: AsyncStream<Outgoing>.Continuation
    }

    struct State {
        var nextID = 0
        var connections: [Int: Connection] = [:]
        var byJob: [JobID: Set<Int>] = [:]
        var byGroup: [Group: Set<Int>] = [:]
        var closing = false
    }

    let state = Mutex(State())
    let runtime: ConveyorRuntime
    let tokens: TokenAuthority
    let logger: Logger
    private let events: AsyncStream<JobEvent>
    /// Says "a job moved": the followed flows and batches are read again, at most 10 times a
    /// second however many jobs move (a signal that comes while one is pending is folded into it).
    let groupsMoved: AsyncStream<Void>.Continuation
    private let groupSignals: AsyncStream<Void>

    init(runtime: ConveyorRuntime, tokens: TokenAuthority, logger: Logger) {
        self.runtime = runtime
        self.tokens = tokens
        self.logger = logger
        events = runtime.events()
        (groupSignals, groupsMoved) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    var connectionCount: Int { state.withLock { $0.connections.count } }

    /// Delivers events — this process's, and those the store carries from other processes (the
    /// runtime relays them) — and, once a second, changed queue/memory stats. Returns when cancelled.
    func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await event in self.events { self.deliver(event) }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    await self.publishStats()
                }
            }
            group.addTask {
                for await _ in self.groupSignals {
                    await self.publishGroups()
                    try? await Task.sleep(for: .milliseconds(100))
                }
            }
        }
    }

    /// Sends every connection a close frame with `code` and waits (at most `timeout`) for them to go.
    func closeAll(code: WebSocketErrorCode = .goingAway, timeout: Duration = .seconds(5)) async {
        groupsMoved.finish()
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
        if case .stateChanged = event, state.withLock({ !$0.byGroup.isEmpty }) { groupsMoved.yield() }
        switch event {
        case .progress(let update):
            send(to: update.jobID) { ServerMessage.progress(update) }
        case .stateChanged(let change) where change.status.isTerminal:
            finish(change.jobID) {
                ServerMessage.finished(change)
            }
        case .stateChanged(let change):
            guard let retrying = JobRetryingMessage(change) else { return }
            send(to: change.jobID) { ServerMessage.retrying(retrying) }
        case .memoryWarning:
            break
        }
    }

    /// Sends a message to the job's subscribers, made only when there are some.
    private func send(to id: JobID, _ message: () -> String) {
        let outboxes = state.withLock { state in state.byJob[id].map { ids in ids.compactMap { state.connections[$0]?.outbox } } }
        guard let outboxes, !outboxes.isEmpty else { return }
        let text = message()
        for outbox in outboxes { outbox.yield(.text(text)) }
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
        let (wantsQueue, wantsMemory) = state.withLock { state in
            (state.connections.values.contains(where: \.queue), state.connections.values.contains(where: \.memory))
        }
        if wantsQueue, let stats = try? await QueueStatsResource.current(runtime) { sendStats(ServerMessage.queueStats(stats), queue: true) }
        if wantsMemory { sendStats(ServerMessage.memoryStats(runtime.memory.stats), queue: false) }
    }

    /// Sends `text` to each subscriber of the queue (or memory) topic that was last sent
    /// something else — also used for the first stats a new subscription gets.
    func sendStats(_ text: String, queue: Bool, to only: Int? = nil) {
        state.withLock { state in
            for (id, connection) in state.connections where only == nil || only == id {
                guard queue ? connection.queue : connection.memory else { continue }
                guard (queue ? connection.sentQueueStats : connection.sentMemoryStats) != text else { continue }
                if queue { state.connections[id]?.sentQueueStats = text } else { state.connections[id]?.sentMemoryStats = text }
                connection.outbox.yield(.text(text))
            }
        }
    }
}
