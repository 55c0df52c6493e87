/// A snapshot of the memory budget, for `GET /api/memory`, metrics and warning events.
public struct MemoryBudgetStats: Sendable, Hashable, Codable {
    /// Human forms of the byte counts ("12.3 MB").
    public struct Formatted: Sendable, Hashable, Codable {
        public var current: String
        public var peak: String
        public var max: String
        public var perJobCap: String
    }

    /// Bytes reserved now.
    public var current: Int
    /// The most ever reserved at once.
    public var peak: Int
    public var max: Int
    public var perJobCap: Int
    /// current / max, in percent.
    public var utilization: Double
    public var warningThreshold: Double
    /// Reservations held now.
    public var activeReservations: Int
    /// Jobs waiting for room.
    public var waiters: Int
    public var formatted: Formatted
}
