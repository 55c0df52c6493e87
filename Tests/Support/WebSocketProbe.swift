import Foundation
import HummingbirdWSClient
import Logging
import Synchronization

/// A WebSocket client that records every message the server sends and lets a test send
/// messages and wait for what it expects.
public final class WebSocketProbe: Sendable {
    private final class Record: Sendable {
        let texts = Mutex<[String]>([])
        let closeCode = Mutex<String?>(nil)
    }

    private let record = Record()
    private let outgoing: AsyncStream<String>.Continuation
    private let task: Task<Void, Never>

    /// Connects to `url` (e.g. `ws://127.0.0.1:PORT/ws?token=…`).
    public init(url: String) {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        outgoing = continuation
        let record = record
        var logger = Logger(label: "test.ws")
        logger.logLevel = .critical
        task = Task {
            let frame = try? await WebSocketClient.connect(url: url, logger: logger) { inbound, outbound, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await text in stream { try await outbound.write(.text(text)) }
                    }
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        guard case .text(let text) = message else { continue }
                        record.texts.withLock { $0.append(text) }
                    }
                    group.cancelAll()
                }
            }
            let code = frame.map { "\($0.closeCode)" } ?? "none"
            record.closeCode.withLock { $0 = code }
        }
    }

    public func send(_ text: String) { outgoing.yield(text) }

    public var messages: [[String: Any]] {
        record.texts.withLock { $0 }.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
    }

    /// The close code once the connection ended (`nil` while open).
    public var closedWith: String? { record.closeCode.withLock { $0 } }

    /// Waits until a received message satisfies `match` and returns it.
    @discardableResult
    public func next(timeout: Duration = .seconds(15), where match: ([String: Any]) -> Bool) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let found = messages.first(where: match) { return found }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw ProductProcess.Failure(message: "no matching WebSocket message within \(timeout); got \(messages)")
    }

    public func waitUntilClosed(timeout: Duration = .seconds(15)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let code = closedWith { return code }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw ProductProcess.Failure(message: "the WebSocket did not close within \(timeout)")
    }

    public func close() {
        outgoing.finish()
        task.cancel()
    }
}
