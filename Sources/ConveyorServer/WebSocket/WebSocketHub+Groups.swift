import Conveyor
import ConveyorAPI
import Foundation

extension WebSocketHub {
    /// A flow or a batch a connection follows (topics `flow` and `batch`).
    enum Group: Hashable, Sendable {
        case flow(JobID)
        case batch(JobID)
    }

    /// Follows `group` for `id` once the caller may see it; the next reading sends where it is
    /// now — so a flow that finished before the subscription still says `flow:finished`, once.
    /// Only the reader task sends group messages: one reader, reading in turn, never sends an
    /// older state after a newer one.
    func subscribe(_ id: Int, to group: Group, as identity: Identity, send: (String) -> Void) async throws {
        guard let (owners, _) = try await read(group) else { throw WebSocketProblem(code: "not_found", message: "No \(group.topic) with id \(group.id)") }
        guard owners.allSatisfy({ identity.mayAccess(owner: $0) }) else {
            throw WebSocketProblem(code: "forbidden", message: "\(group.topic.capitalized) \(group.id) belongs to another user")
        }
        state.withLock { state in
            state.connections[id]?.groups[group] = ""
            state.byGroup[group, default: []].insert(id)
        }
        send(ServerMessage.subscribed(group.topic, ids: [group.idField: group.id.description], subscribed: true))
        groupsMoved.yield()
    }

    func unsubscribe(_ id: Int, from group: Group) {
        state.withLock { state in
            state.connections[id]?.groups[group] = nil
            state.byGroup[group]?.remove(id)
            if state.byGroup[group]?.isEmpty == true { state.byGroup[group] = nil }
        }
    }

    /// Reads every followed flow and batch again.
    func publishGroups() async {
        for group in state.withLock({ Array($0.byGroup.keys) }) { await publish(group) }
    }

    /// Sends each follower of `group` its message when it differs from the one it was sent last;
    /// a finished group's message goes out once and ends the following.
    private func publish(_ group: Group) async {
        guard let (_, message) = try? await read(group) else { return }
        state.withLock { state in
            guard let followers = state.byGroup[group] else { return }
            for connection in followers where state.connections[connection]?.groups[group] != message.text {
                state.connections[connection]?.groups[group] = message.text
                state.connections[connection]?.outbox.yield(.text(message.text))
            }
            guard message.finished else { return }
            state.byGroup[group] = nil
            for connection in followers { state.connections[connection]?.groups[group] = nil }
        }
    }

    /// The owners of the group's jobs and the message that says where it is; `nil` when there is no such group.
    private func read(_ group: Group) async throws -> (owners: [String?], message: (text: String, finished: Bool))? {
        switch group {
        case .flow(let id):
            guard let flow = try await runtime.flow(id) else { return nil }
            return (flow.jobs.map(\.owner), (ServerMessage.flow(flow), flow.status != .running))
        case .batch(let id):
            guard let batch = try await runtime.batch(id) else { return nil }
            return ([batch.owner], (ServerMessage.batch(batch), batch.status == .finished))
        }
    }
}

extension WebSocketHub.Group {
    var id: JobID {
        switch self {
        case .flow(let id), .batch(let id): id
        }
    }

    var topic: String {
        switch self {
        case .flow: "flow"
        case .batch: "batch"
        }
    }

    var idField: String { topic + "Id" }
}
