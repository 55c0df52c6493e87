import HummingbirdCore
import Logging
import NIOCore
import Synchronization

/// Hummingbird's HTTP/WebSocket child channel behind two guards: at most
/// `limits.maxConnections` open at once (one more is answered 503 and closed at once, so the
/// process keeps file descriptors for its store and jobs), and an ``HTTPGuard`` first on each
/// connection's pipeline.
struct GuardedChannel<Inner: ServerChildChannel>: ServerChildChannel {
    /// A connection served by Hummingbird, or one being refused.
    enum Value: ServerChildChannelValue {
        case served(Inner.Value)
        case refused(any Channel)

        var channel: any Channel {
            switch self {
            case .served(let value): value.channel
            case .refused(let channel): channel
            }
        }
    }

    let inner: Inner
    let limits: HTTPLimits
    let open: ConnectionCount

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        guard open.enter(limit: limits.maxConnections) else {
            // Answered once the connection is active (it is not yet, here). The setup itself
            // must succeed: a failed one leaves the socket open with nobody to close it.
            return channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(ConnectionRefusal())
                return .refused(channel)
            }
        }
        let open = open
        channel.closeFuture.whenComplete { _ in open.leave() }
        let limits = limits
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(HTTPGuard(limits: limits), position: .first)
        }.flatMap { inner.setup(channel: channel, logger: logger).map(Value.served) }
    }

    func handle(value: Value, logger: Logger) async {
        switch value {
        case .served(let served): await inner.handle(value: served, logger: logger)
        case .refused(let channel): try? await channel.closeFuture.get()
        }
    }
}

/// Answers a connection over the cap with 503 and closes it.
final class ConnectionRefusal: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { refuse(context) }
    }

    func channelActive(context: ChannelHandlerContext) { refuse(context) }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    private func refuse(_ context: ChannelHandlerContext) {
        let answer = RawAnswer.bytes(
            status: "503 Service Unavailable", code: "too_many_connections", message: "The server holds as many connections as it may; try again shortly",
            extraHeaders: "Retry-After: 1\r\n", allocator: context.channel.allocator)
        context.writeAndFlush(NIOAny(answer)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }
}

/// Open connections, shared by every event loop.
final class ConnectionCount: Sendable {
    private let count = Atomic<Int>(0)

    /// Counts one more unless `limit` are open.
    func enter(limit: Int) -> Bool {
        var current = count.load(ordering: .relaxed)
        while current < limit {
            let (exchanged, now) = count.compareExchange(expected: current, desired: current + 1, ordering: .relaxed)
            if exchanged { return true }
            current = now
        }
        return false
    }

    func leave() { count.subtract(1, ordering: .relaxed) }

    var current: Int { count.load(ordering: .relaxed) }
}
