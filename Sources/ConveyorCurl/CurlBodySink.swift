/// Where a response body goes as it arrives — straight from libcurl's buffer into the caller's
/// memory, with no copy in between.
///
/// `begin` and `write` run on the transfer thread and must not block. When `write` has no room
/// it returns `false`: the transfer pauses (the socket stops being read, so the sender slows
/// down), `makeRoom` runs in the caller's task — where waiting for the memory budget is fine —
/// and the same bytes are offered again. Throwing from `begin` or `makeRoom` ends the transfer
/// with that error.
public protocol CurlBodySink: Sendable {
    /// The final response's status and headers, before its first body byte.
    func begin(_ head: CurlResponseHead) throws
    /// Stores `bytes` whole and returns `true`, or stores nothing and returns `false`.
    func write(_ bytes: UnsafeRawBufferPointer) -> Bool
    /// Makes room for at least `byteCount` more bytes.
    func makeRoom(for byteCount: Int) async throws
}
