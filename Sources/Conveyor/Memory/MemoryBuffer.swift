import Foundation  // mmap and munmap, from the platform's C library on Linux and Darwin
import Synchronization

/// Bytes held in memory under a reservation that always covers what is really allocated.
///
/// It grows in fixed chunks instead of doubling one array, so a 40 MB video costs 40 MB
/// plus at most one chunk — never the 2× of array growth — and the reservation is taken
/// before each allocation, so the budget can never be overrun.
public final class MemoryBuffer: Sendable {
    /// 1 MiB: large enough for few allocations, small enough to waste little.
    public static let defaultChunkSize = 1 << 20

    // Safe to send: a chunk's memory is owned by this buffer alone and only read or written
    // with `state`'s lock held; it is freed in `deinit`, when no one else can reach it.
    private struct Chunk: @unchecked Sendable {
        let base: UnsafeMutableRawPointer
        let capacity: Int
        var used: Int
        /// Mapped with mmap (unmapped when freed) rather than allocated from the heap.
        let mapped: Bool
    }

    private struct State {
        var chunks: [Chunk] = []
        var count = 0
        var allocated = 0
    }

    /// The reservation paying for this buffer.
    public let reservation: MemoryReservation
    private let chunkSize: Int
    private let state = Mutex(State())

    init(reservation: MemoryReservation, chunkSize: Int) {
        self.reservation = reservation
        self.chunkSize = max(4096, chunkSize)
    }

    deinit {
        state.withLock { state in
            for chunk in state.chunks { Self.free(chunk) }
        }
        reservation.release()
    }

    /// Bytes stored.
    public var count: Int { state.withLock { $0.count } }

    /// Bytes really allocated (stored plus the unused tail of the last chunk).
    public var allocatedBytes: Int { state.withLock { $0.allocated } }

    /// Makes sure `additional` more bytes fit without another allocation; what is missing is
    /// reserved and then allocated in one piece — exact when a Content-Length says how much is coming.
    public func reserveCapacity(_ additional: Int) async throws {
        let missing = additional - state.withLock { $0.allocated - $0.count }
        guard missing > 0 else { return }
        try await reservation.grow(by: missing)
        state.withLock { state in
            state.chunks.append(Self.allocate(missing))
            state.allocated += missing
        }
    }

    /// Pieces of 128 KiB and more are mapped directly, so freeing one returns its pages to the
    /// system at once (malloc would keep them in its arenas, and RSS would outgrow the budget).
    /// Large ones are marked for transparent huge pages: filling 200 MB then costs ~100 page
    /// faults instead of ~50,000.
    private static let mappedMinimum = 128 << 10

    private static func allocate(_ byteCount: Int) -> Chunk {
        guard byteCount >= mappedMinimum,
            let base = mmap(nil, byteCount, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), base != MAP_FAILED
        else { return Chunk(base: .allocate(byteCount: byteCount, alignment: 16), capacity: byteCount, used: 0, mapped: false) }
        #if os(Linux)
        if byteCount >= 8 << 20 { _ = madvise(base, byteCount, MADV_HUGEPAGE) }
        #endif
        return Chunk(base: base, capacity: byteCount, used: 0, mapped: true)
    }

    private static func free(_ chunk: Chunk) {
        if chunk.mapped { munmap(chunk.base, chunk.capacity) } else { chunk.base.deallocate() }
    }

    /// Appends bytes, reserving and allocating whole chunks when the ones held are full.
    /// One writer at a time: a buffer is filled by one transfer.
    public func append(_ bytes: UnsafeRawBufferPointer) async throws {
        try await makeRoom(for: bytes.count)
        copyIn(bytes)
    }

    /// Appends the bytes of a collection, e.g. `[UInt8]` or `Data`.
    public func append(contentsOf bytes: some Collection<UInt8>) async throws {
        let array = Array(bytes)
        try await makeRoom(for: array.count)
        array.withUnsafeBytes { copyIn($0) }
    }

    /// Appends `bytes` only if they fit in what is already allocated, without waiting; returns
    /// whether they were stored. For callers that cannot wait (a libcurl write callback): on
    /// `false` they make room with `reserveCapacity` or `makeRoom(for:)` and offer the bytes again.
    public func append(ifRoom bytes: UnsafeRawBufferPointer) -> Bool {
        state.withLock { state in
            guard state.allocated - state.count >= bytes.count else { return false }
            Self.copy(bytes, into: &state)
            return true
        }
    }

    /// Makes sure `count` more bytes fit, reserving whole chunks.
    public func makeRoom(for count: Int) async throws {
        let missing = count - state.withLock { $0.allocated - $0.count }
        guard missing > 0 else { return }
        let chunks = (missing + chunkSize - 1) / chunkSize
        try await reserveCapacity(count + (chunks * chunkSize - missing))
    }

    private func copyIn(_ bytes: UnsafeRawBufferPointer) {
        state.withLock { Self.copy(bytes, into: &$0) }
    }

    private static func copy(_ bytes: UnsafeRawBufferPointer, into state: inout State) {
        guard var source = bytes.baseAddress else { return }
        var remaining = bytes.count
        for index in state.chunks.indices where remaining > 0 && state.chunks[index].used < state.chunks[index].capacity {
            let chunk = state.chunks[index]
            let n = min(chunk.capacity - chunk.used, remaining)
            (chunk.base + chunk.used).copyMemory(from: source, byteCount: n)
            state.chunks[index].used += n
            state.count += n
            source += n
            remaining -= n
        }
    }

    /// Copies up to `destination.count` bytes starting at `offset`; returns how many were copied.
    /// This is what a reader (an FFmpeg AVIO callback, an upload stream) calls.
    public func copyBytes(from offset: Int, into destination: UnsafeMutableRawBufferPointer) -> Int {
        state.withLock { state in
            guard offset >= 0, let target = destination.baseAddress else { return 0 }
            var skip = offset
            var copied = 0
            for chunk in state.chunks {
                if skip >= chunk.used { skip -= chunk.used; continue }
                let n = min(chunk.used - skip, destination.count - copied)
                (target + copied).copyMemory(from: chunk.base + skip, byteCount: n)
                copied += n
                skip = 0
                if copied == destination.count { break }
            }
            return copied
        }
    }

    /// All bytes as one array (a copy: for small buffers and tests).
    public func bytes() -> [UInt8] {
        let total = count
        return [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            initialized = copyBytes(from: 0, into: UnsafeMutableRawBufferPointer(buffer))
        }
    }
}
