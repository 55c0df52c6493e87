/// Runs transfers on libcurl: `async`, cancellable (task cancellation removes the transfer at
/// once), and with the body streamed into the caller's memory instead of buffered by us.
///
/// All clients share one transfer thread; a client is just a handle to it, cheap to copy.
public struct CurlClient: Sendable {
    public init() {}

    /// Performs `request`. Without a sink the body is collected into the response (small answers);
    /// with one, it goes to the sink as it arrives. HTTP error statuses are responses, not errors.
    public func perform(_ request: CurlRequest, into sink: (any CurlBodySink)? = nil) async throws -> CurlResponse {
        try Task.checkCancellation()
        let engine = CurlEngine.shared
        let (events, continuation) = AsyncStream.makeStream(of: CurlTransfer.Event.self)
        let transfer = try CurlTransfer(request: request, sink: sink, events: continuation)
        engine.add(transfer)
        return try await withTaskCancellationHandler {
            for await event in events {
                switch event {
                case .needsRoom(let byteCount):
                    do {
                        try await sink?.makeRoom(for: byteCount)
                        engine.resume(transfer)
                    } catch {
                        engine.fail(transfer, with: error)
                    }
                case .finished(let result):
                    return try result.get()
                }
            }
            throw CancellationError()
        } onCancel: {
            transfer.cancelRequested.withLock { $0 = true }
            engine.cancel(transfer)
        }
    }
}
