/// Bytes held against the memory budget. It can grow (waiting for room if needed) and shrink,
/// and is released when `release()` is called, when the owning job ends, or when the last
/// reference goes away — whichever comes first.
public final class MemoryReservation: Sendable {
    private let budget: MemoryBudget
    private let id: Int
    /// Names the data in errors ("Video too large: …").
    public let label: String

    init(budget: MemoryBudget, id: Int, label: String) {
        self.budget = budget
        self.id = id
        self.label = label
    }

    deinit { budget.release(id) }

    /// Bytes held now (0 once released).
    public var bytes: Int { budget.bytes(of: id) }

    /// Holds `delta` more bytes, waiting for room; throws a permanent error past the per-job cap.
    public func grow(by delta: Int) async throws {
        try await budget.acquire(delta, reservation: id, label: label)
    }

    /// Grows or shrinks to exactly `bytes`.
    public func resize(to bytes: Int) async throws {
        let held = self.bytes
        if bytes > held { try await grow(by: bytes - held) } else { shrink(to: bytes) }
    }

    /// Gives back everything above `bytes`.
    public func shrink(to bytes: Int) { budget.shrink(id, to: bytes) }

    /// Gives everything back; later calls do nothing.
    public func release() { budget.release(id) }
}
