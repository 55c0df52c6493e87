import Conveyor
import ConveyorAPI
import Foundation
import Hummingbird

extension ConveyorServer {
    /// `/api/queues…`: stats for everyone; pause and resume for admins.
    func addQueueRoutes(to api: RouterGroup<ServerContext>) {
        api.get("queues/stats") { _, context in
            _ = try context.requireIdentity()
            return try JSONBody.response(try await QueueStatsResource.current(self.runtime))
        }
        api.post("queues/{queue}/pause") { _, context in
            _ = try context.requireAdmin()
            let queue = try Self.queueName(context)
            try await self.runtime.pause(queue: queue)
            return try JSONBody.response(QueueStateResource(queue: queue, paused: true))
        }
        api.post("queues/{queue}/resume") { _, context in
            _ = try context.requireAdmin()
            let queue = try Self.queueName(context)
            try await self.runtime.resume(queue: queue)
            return try JSONBody.response(QueueStateResource(queue: queue, paused: false))
        }
    }

    private static func queueName(_ context: ServerContext) throws -> String {
        let queue = context.parameters.get("queue") ?? ""
        guard (1...64).contains(queue.count), queue.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else {
            throw APIError.badRequest("queue: \(MessageText.quoted(queue)) must be 1–64 letters, digits, '.', '_' or '-'")
        }
        return queue
    }
}
