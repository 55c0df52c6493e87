import NIOCore

/// An error answer written straight to the socket, in the API's error shape, for connections
/// refused before Hummingbird sees them (too many connections, a malformed or slow request).
enum RawAnswer {
    static func bytes(status: String, code: String, message: String, extraHeaders: String = "", allocator: ByteBufferAllocator) -> ByteBuffer {
        let body = #"{"error":{"code":"\#(code)","message":"\#(message)"}}"#
        var answer = allocator.buffer(capacity: 256)
        answer.writeString(
            "HTTP/1.1 \(status)\r\nContent-Type: application/json; charset=utf-8\r\n\(extraHeaders)Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)")
        return answer
    }
}
