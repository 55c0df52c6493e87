public import Conveyor
import Foundation

/// Enqueues a raw JSON payload and returns why the runtime refused it — the one line a user
/// would see (`payload.chatId: …`) — or `nil` when it was accepted. For tests of a handler's
/// payload validation.
public func enqueueRefusal(_ runtime: ConveyorRuntime, type: String, payload: String) async throws -> String? {
    do {
        _ = try await runtime.enqueue(JobRequest(type: type, payload: Data(payload.utf8)))
        return nil
    } catch let error as ConveyorError {
        return error.message
    }
}
