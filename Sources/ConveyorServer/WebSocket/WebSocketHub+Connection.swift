import Conveyor
import ConveyorAPI
import Foundation
import HummingbirdWebSocket
import NIOWebSocket

extension WebSocketHub {
    /// Serves one connection until the client leaves, the hub closes it, or pings go unanswered
    /// (then Hummingbird closes the channel and the inbound stream ends). Its subscriptions go with it.
    func serve(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, identity: Identity?) async {
        let (outbox, continuation) = AsyncStream.makeStream(of: Outgoing.self, bufferingPolicy: .bufferingNewest(256))
        let registration = state.withLock { state -> Int? in
            guard !state.closing else { return nil }
            state.nextID += 1
            state.connections[state.nextID] = Connection(identity: identity, outbox: continuation)
            return state.nextID
        }
        guard let id = registration else {
            try? await outbound.close(.goingAway, reason: "Server shutting down")
            return
        }
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await message in outbox {
                    switch message {
                    case .text(let text):
                        try? await outbound.writeTextMessage(text)
                    case .close(let code):
                        try? await outbound.close(code, reason: code == .goingAway ? "Server shutting down" : nil)
                        return
                    }
                }
            }
            // The session ends when its token does, unless a fresh `auth` came first: the first
            // of the reader and the expiry watch to finish ends the other.
            await withTaskGroup(of: Void.self) { session in
                session.addTask { await self.closeAtExpiry(id, continuation: continuation) }
                session.addTask { await self.read(inbound, from: id, continuation: continuation) }
                await session.next()
                session.cancelAll()
            }
            continuation.finish()
        }
        state.withLock { state in
            guard let connection = state.connections.removeValue(forKey: id) else { return }
            for job in connection.jobs {
                state.byJob[job]?.remove(id)
                if state.byJob[job]?.isEmpty == true { state.byJob[job] = nil }
            }
            for group in connection.groups.keys {
                state.byGroup[group]?.remove(id)
                if state.byGroup[group]?.isEmpty == true { state.byGroup[group] = nil }
            }
        }
    }

    /// Waits until the connection's token expires (re-reading it, since `auth` may extend it),
    /// then says so and closes with 1008.
    private func closeAtExpiry(_ id: Int, continuation: AsyncStream<Outgoing>.Continuation) async {
        while !Task.isCancelled {
            let expiry = state.withLock { $0.connections[id]?.identity?.expiresAt }
            guard let expiry else {
                // Not authenticated yet: look again when it may be.
                try? await Task.sleep(for: .seconds(1))
                continue
            }
            let left = expiry.timeIntervalSinceNow
            if left <= 0 {
                continuation.yield(.text(ServerMessage.error(WebSocketProblem(code: "token_expired", message: "The token expired; connect again with a fresh one"))))
                continuation.yield(.close(.policyViolation))
                return
            }
            try? await Task.sleep(for: .milliseconds(Int(left * 1000) + 1))
        }
    }

    private func read(_ inbound: WebSocketInboundStream, from id: Int, continuation: AsyncStream<Outgoing>.Continuation) async {
        do {
            for try await message in inbound.messages(maxSize: 64 << 10) {
                guard case .text(let text) = message else {
                    continuation.yield(.text(ServerMessage.error(.invalid("Messages must be JSON text, not binary"))))
                    continue
                }
                do {
                    try await handle(text, from: id)
                } catch let problem as WebSocketProblem {
                    continuation.yield(.text(ServerMessage.error(problem)))
                } catch {
                    continuation.yield(.text(ServerMessage.error(WebSocketProblem(code: "internal_error", message: "The request could not be completed"))))
                }
            }
        } catch {
            logger.debug("WebSocket read ended", metadata: ["error": "\(error)"])
        }
    }

    private func handle(_ text: String, from id: Int) async throws {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
            throw WebSocketProblem.invalid("The message is not a JSON object")
        }
        let message = try ClientMessage(parsing: object)
        let send = { (text: String) in _ = self.state.withLock { $0.connections[id]?.outbox.yield(.text(text)) } }
        if message.kind == .auth {
            guard let token = message.token else { throw WebSocketProblem(code: "unauthorized", message: "auth: 'token' is required") }
            let identity: Identity
            do throws(TokenRejection) {
                identity = try await tokens.verify(token)
            } catch {
                throw WebSocketProblem(code: "unauthorized", message: error.description)
            }
            // A fresh token extends the session; it cannot turn it into another user's, whose
            // subscriptions would then see this user's events.
            let accepted = state.withLock { state -> Bool in
                if let current = state.connections[id]?.identity, current.subject != identity.subject || current.isAdmin != identity.isAdmin {
                    return false
                }
                state.connections[id]?.identity = identity
                return true
            }
            guard accepted else {
                throw WebSocketProblem(code: "unauthorized", message: "auth: a connection stays with the user it authenticated as; open a new one for another")
            }
            send(ServerMessage.authenticated)
            return
        }
        guard let identity = state.withLock({ $0.connections[id]?.identity }) else {
            throw WebSocketProblem(code: "unauthorized", message: #"Authenticate first: connect with ?token= or send {"type":"auth","token":…}"#)
        }
        let adding = message.kind == .subscribe
        switch message.topic {
        case .queue:
            state.withLock {
                $0.connections[id]?.queue = adding
                $0.connections[id]?.sentQueueStats = nil
            }
            send(ServerMessage.subscribed("queue", subscribed: adding))
            if adding, let stats = try? await QueueStatsResource.current(runtime) { sendStats(ServerMessage.queueStats(stats), queue: true, to: id) }
        case .memory:
            state.withLock {
                $0.connections[id]?.memory = adding
                $0.connections[id]?.sentMemoryStats = nil
            }
            send(ServerMessage.subscribed("memory", subscribed: adding))
            if adding { sendStats(ServerMessage.memoryStats(runtime.memory.stats), queue: false, to: id) }
        case .job, nil:
            let text = message.jobID ?? ""
            guard let jobID = JobID(text) else { throw WebSocketProblem.invalid("jobId: \(MessageText.quoted(text)) is not a job id (UUID)") }
            if adding { try await subscribe(id, to: jobID, as: identity, send: send) } else { unsubscribe(id, from: jobID) }
            if !adding { send(ServerMessage.subscribed("job", ids: ["jobId": text], subscribed: false)) }
        case .flow, .batch:
            let flow = message.topic == .flow
            let text = (flow ? message.flowID : message.batchID) ?? ""
            guard let groupID = JobID(text) else {
                throw WebSocketProblem.invalid("\(flow ? "flowId" : "batchId"): \(MessageText.quoted(text)) is not a \(flow ? "flow" : "batch") id (UUID)")
            }
            let group: Group = flow ? .flow(groupID) : .batch(groupID)
            if adding {
                try await subscribe(id, to: group, as: identity, send: send)
            } else {
                unsubscribe(id, from: group)
                send(ServerMessage.subscribed(group.topic, ids: [group.idField: text], subscribed: false))
            }
        }
    }

    /// Registers first, then reads the job: a job that finishes in between is still reported once.
    private func subscribe(_ id: Int, to jobID: JobID, as identity: Identity, send: (String) -> Void) async throws {
        guard let job = try await runtime.store.job(jobID) else { throw WebSocketProblem(code: "not_found", message: "No job with id \(jobID)") }
        guard identity.mayAccess(owner: job.owner) else {
            throw WebSocketProblem(code: "forbidden", message: "Job \(jobID) belongs to another user")
        }
        state.withLock { state in
            state.connections[id]?.jobs.insert(jobID)
            state.byJob[jobID, default: []].insert(id)
        }
        send(ServerMessage.subscribed("job", ids: ["jobId": jobID.description], subscribed: true))
        guard let current = try await runtime.store.job(jobID) else { return }
        if current.status.isTerminal {
            finish(jobID) {
                ServerMessage.finished(current)
            }
        } else if current.status == .scheduled, current.attempts > 0, let error = current.error,
            let retrying = JobRetryingMessage(JobStateChange(
                jobID: jobID, type: current.type, queue: current.queue, status: .scheduled, attempt: current.attempts,
                sequence: current.sequence, error: error, runAt: current.scheduledAt))
        {
            // Already waiting for its next attempt: say so, as a retry seen live would.
            send(ServerMessage.retrying(retrying))
        } else if current.progress.percent > 0 || current.progress.stage != nil {
            send(ServerMessage.progress(JobProgressUpdate(jobID: jobID, type: current.type, progress: current.progress, sequence: current.sequence)))
        }
    }

    private func unsubscribe(_ id: Int, from jobID: JobID) {
        state.withLock { state in
            state.connections[id]?.jobs.remove(jobID)
            state.byJob[jobID]?.remove(id)
            if state.byJob[jobID]?.isEmpty == true { state.byJob[jobID] = nil }
        }
    }
}
