import Conveyor
import NIOCore

/// The first handler on every connection, in front of the HTTP parser: it reads the request head
/// itself and refuses what must never reach the application, and it puts a clock on every phase
/// a client could drag out.
///
/// - A head must arrive whole within `headerTimeout` of its first byte, a body within
///   `bodyTimeout` of its head, and a kept-alive connection that sends nothing is closed after
///   `idleTimeout`: slow or idle clients cannot hold connections open (slowloris).
/// - A head over `maxHeaderBytes` gets 431; a malformed request line, a header line without a
///   name and colon, control characters (NUL) in a header, a duplicated `Content-Length`, one
///   sent with `Transfer-Encoding`, or a bad chunk size get 400 — each answered and closed,
///   instead of an open connection with no answer (or a 500).
/// - A WebSocket upgrade is checked like any head, then left alone (pings keep it honest).
///
/// Request bytes are forwarded unchanged once their head passed, so what the parser sees is
/// exactly what was checked.
final class HTTPGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private enum Phase {
        /// Waiting for (or reading) a request head.
        case head
        /// Forwarding a body of known length.
        case body(remaining: Int)
        /// Forwarding a chunked body, following its framing.
        case chunked(ChunkReader)
        /// The request is in; the application has not answered yet.
        case answering
        /// A WebSocket (or a closing connection): not guarded any more.
        case passThrough
    }

    private let limits: HTTPLimits
    private var phase = Phase.head
    private var head = ByteBuffer()
    private var timer: Scheduled<Void>?

    init(limits: HTTPLimits) {
        self.limits = limits
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        while bytes.readableBytes > 0 {
            switch phase {
            case .passThrough:
                context.fireChannelRead(wrapInboundOut(bytes))
                return
            case .head, .answering:
                // Bytes while answering are the next (pipelined) request's head.
                let startedNow = head.readableBytes == 0
                guard let rest = readHead(&bytes, context: context) else {
                    if startedNow, case .head = phase { arm(context) }
                    return
                }
                bytes = rest
            case .body(let remaining):
                let count = min(remaining, bytes.readableBytes)
                if let slice = bytes.readSlice(length: count) { context.fireChannelRead(wrapInboundOut(slice)) }
                phase = remaining == count ? .answering : .body(remaining: remaining - count)
                if remaining == count { arm(context) }
            case .chunked(var reader):
                let start = bytes.readerIndex
                switch reader.consume(&bytes) {
                case .needMore:
                    phase = .chunked(reader)
                case .done:
                    phase = .answering
                    arm(context)
                case .malformed(let why):
                    refuse(context, status: "400 Bad Request", code: "bad_request", message: why)
                    return
                }
                if let slice = bytes.getSlice(at: start, length: bytes.readerIndex - start), slice.readableBytes > 0 {
                    context.fireChannelRead(wrapInboundOut(slice))
                }
            }
        }
    }

    /// An answer going out ends the wait for it: the connection is idle until the next head.
    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .answering = phase {
            phase = .head
            arm(context)
        }
        context.write(data, promise: promise)
    }

    /// Gathers head bytes; once the head is whole and passes, forwards it, moves to its body and
    /// returns what followed it. `nil`: more is needed, or the request was refused.
    private func readHead(_ bytes: inout ByteBuffer, context: ChannelHandlerContext) -> ByteBuffer? {
        let searchFrom = max(0, head.readableBytes - 3)
        head.writeBuffer(&bytes)
        guard let end = head.readableBytesView.dropFirst(searchFrom).firstRange(of: [13, 10, 13, 10]) else {
            if head.readableBytes > limits.maxHeaderBytes { refuseTooLarge(context) }
            return nil
        }
        let length = end.upperBound - head.readableBytesView.startIndex
        guard length <= limits.maxHeaderBytes else {
            refuseTooLarge(context)
            return nil
        }
        let request: HTTPHeadCheck.Request
        do {
            request = try HTTPHeadCheck.check(Array(head.readableBytesView.prefix(length)))
        } catch {
            refuse(context, status: "400 Bad Request", code: "bad_request", message: error.message)
            return nil
        }
        guard let whole = head.readSlice(length: length) else { return nil }
        let rest = head
        head = ByteBuffer()
        context.fireChannelRead(wrapInboundOut(whole))
        switch request.body {
        case _ where request.upgrade:
            phase = .passThrough
            timer?.cancel()
        case .none: phase = .answering
        case .length(let count): phase = count == 0 ? .answering : .body(remaining: count)
        case .chunked: phase = .chunked(ChunkReader())
        }
        arm(context)
        return rest
    }

    /// Starts the clock of the current phase (none while the application answers).
    private func arm(_ context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        let limit: Duration
        switch phase {
        case .head: limit = head.readableBytes == 0 ? limits.idleTimeout : limits.headerTimeout
        case .body, .chunked: limit = limits.bodyTimeout
        case .answering, .passThrough: return
        }
        let waiting = head.readableBytes > 0
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(limit.nanoseconds)) { [weak self] in
            guard let self else { return }
            switch self.phase {
            case .head where !waiting:
                context.close(promise: nil)
            case .head, .body, .chunked:
                self.refuse(context, status: "408 Request Timeout", code: "request_timeout", message: "The request did not arrive in time")
            case .answering, .passThrough:
                break
            }
        }
    }

    private func refuseTooLarge(_ context: ChannelHandlerContext) {
        refuse(
            context, status: "431 Request Header Fields Too Large", code: "headers_too_large",
            message: "The request head is larger than \(limits.maxHeaderBytes) bytes")
    }

    /// Answers in the API's error shape and closes; nothing more is read.
    private func refuse(_ context: ChannelHandlerContext, status: String, code: String, message: String) {
        phase = .passThrough
        timer?.cancel()
        head = ByteBuffer()
        let answer = RawAnswer.bytes(status: status, code: code, message: message, allocator: context.channel.allocator)
        context.writeAndFlush(wrapOutboundOut(.byteBuffer(answer))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }
}
