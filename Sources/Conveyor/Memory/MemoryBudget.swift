import DequeModule
import Synchronization

/// The one memory budget a process shares among all its jobs.
///
/// Jobs reserve bytes before they hold them. A request larger than the per-job cap fails at
/// once and for good ("Video too large: 73.4 MB > 50 MB"); one that fits but finds no room
/// waits its turn (FIFO, cancellable, bounded by `MemoryLimits.maxWait`) instead of failing.
/// Reservations are released when their owner drops them, when the job ends on any path, or
/// explicitly, so a leak would need a reservation kept alive on purpose.
public final class MemoryBudget: Sendable {
    public let limits: MemoryLimits

    private struct Entry {
        var bytes: Int
        let owner: Int?
    }

    private struct Waiter {
        let id: Int
        let reservation: Int
        let owner: Int?
        let bytes: Int
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var current = 0
        var peak = 0
        var entries: [Int: Entry] = [:]
        var ownerTotals: [Int: Int] = [:]
        var ownerEntries: [Int: Set<Int>] = [:]
        var waiters: Deque<Waiter> = []
        /// Waits begun but not yet queued or finished; an abort that arrives early is parked here.
        var pending: [Int: (any Error)?] = [:]
        var nextID = 1
        var warned = false
        var observers: [@Sendable (MemoryBudgetStats) -> Void] = []

        /// What counts against the per-job cap: the job's total, or the reservation's own
        /// bytes when it belongs to no job.
        func held(owner: Int?, reservation: Int) -> Int {
            owner.map { ownerTotals[$0, default: 0] } ?? entries[reservation]?.bytes ?? 0
        }
    }

    private let state = Mutex(State())
    private let owners = Atomic<Int>(0)

    public init(_ limits: MemoryLimits = MemoryLimits()) {
        self.limits = limits
    }

    /// Reserves `bytes` not tied to any job (a job's own `context.memory` ties them to it).
    /// - Parameter label: names the data in errors: "Video" gives "Video too large: …".
    public func reserve(_ bytes: Int, label: String = "Data") async throws -> MemoryReservation {
        try await reserve(bytes, owner: nil, label: label)
    }

    /// A growable buffer not tied to any job, for tools and tests (a job's `context.memory` ties
    /// its buffers to it).
    public func makeBuffer(label: String = "Data", chunkSize: Int = MemoryBuffer.defaultChunkSize) async throws -> MemoryBuffer {
        MemoryBuffer(reservation: try await reserve(0, label: label), chunkSize: chunkSize)
    }

    /// Calls `observer` each time utilization rises above the warning threshold.
    public func onWarning(_ observer: @escaping @Sendable (MemoryBudgetStats) -> Void) {
        state.withLock { $0.observers.append(observer) }
    }

    /// The current figures.
    public var stats: MemoryBudgetStats { state.withLock { snapshot($0) } }

    // MARK: - Internal operations used by reservations and job memory

    func makeOwner() -> Int {
        owners.add(1, ordering: .relaxed).newValue
    }

    func reserve(_ bytes: Int, owner: Int?, label: String) async throws -> MemoryReservation {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            state.entries[state.nextID] = Entry(bytes: 0, owner: owner)
            if let owner { state.ownerEntries[owner, default: []].insert(state.nextID) }
            return state.nextID
        }
        let reservation = MemoryReservation(budget: self, id: id, label: label)
        try await acquire(bytes, reservation: id, label: label)
        return reservation
    }

    func bytes(of reservation: Int) -> Int {
        state.withLock { $0.entries[reservation]?.bytes ?? 0 }
    }

    /// Adds `bytes` to a reservation, waiting for room if needed.
    func acquire(_ bytes: Int, reservation: Int, label: String) async throws {
        guard bytes > 0 else {
            if bytes < 0 { throw JobError.permanent("\(label): cannot reserve a negative size (\(bytes) bytes)", code: "invalid_size") }
            return
        }
        enum Fast { case granted([@Sendable (MemoryBudgetStats) -> Void], MemoryBudgetStats), wait(Int) }
        let fast: Fast = try state.withLock { state in
            guard let entry = state.entries[reservation] else {
                throw JobError.permanent("\(label): the reservation was already released", code: "reservation_released")
            }
            let wanted = state.held(owner: entry.owner, reservation: reservation) + bytes
            let cap = Swift.min(limits.maxPerJob, limits.maxTotal)
            if wanted > cap {
                throw JobError(
                    code: .memoryTooLarge,
                    message: "\(label) too large: \(ByteCount.format(wanted)) > \(ByteCount.format(cap))",
                    isPermanent: true)
            }
            if state.waiters.isEmpty && state.current + bytes <= limits.maxTotal {
                let warn = apply(bytes, to: reservation, in: &state)
                return .granted(warn, snapshot(state))
            }
            defer { state.nextID += 1 }
            state.pending[state.nextID] = .some(nil)
            return .wait(state.nextID)
        }
        switch fast {
        case .granted(let observers, let stats):
            for observer in observers { observer(stats) }
        case .wait(let waiterID):
            try await wait(waiterID, bytes: bytes, reservation: reservation, label: label)
        }
    }

    func shrink(_ reservation: Int, to bytes: Int) {
        let resumed = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            guard var entry = state.entries[reservation], bytes < entry.bytes else { return [] }
            let freed = entry.bytes - Swift.max(0, bytes)
            entry.bytes -= freed
            state.entries[reservation] = entry
            free(freed, owner: entry.owner, in: &state)
            return serveWaiters(&state)
        }
        for continuation in resumed { continuation.resume() }
    }

    func release(_ reservation: Int) {
        let resumed = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            guard let entry = state.entries.removeValue(forKey: reservation) else { return [] }
            if let owner = entry.owner { state.ownerEntries[owner]?.remove(reservation) }
            free(entry.bytes, owner: entry.owner, in: &state)
            return serveWaiters(&state)
        }
        for continuation in resumed { continuation.resume() }
    }

    /// Releases every reservation a job still holds: called when the job ends, on any path.
    func releaseAll(owner: Int) {
        let resumed = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            guard let ids = state.ownerEntries.removeValue(forKey: owner) else { return [] }
            for id in ids {
                if let entry = state.entries.removeValue(forKey: id) { free(entry.bytes, owner: owner, in: &state) }
            }
            state.ownerTotals[owner] = nil
            return serveWaiters(&state)
        }
        for continuation in resumed { continuation.resume() }
    }

    func bytesHeld(owner: Int) -> Int {
        state.withLock { $0.ownerTotals[owner, default: 0] }
    }

    // MARK: - Waiting

    private func wait(_ waiterID: Int, bytes: Int, reservation: Int, label: String) async throws {
        let maxWait = limits.maxWait
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await Task.sleep(for: maxWait)
                self.abort(waiterID, with: JobError.retryable(
                    "Memory budget busy: waited \(DurationText.format(maxWait)) for \(ByteCount.format(bytes)) of \(label.lowercased())",
                    code: "memory_wait_timeout"))
            }
            defer { group.cancelAll() }
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    let early: (any Error)? = state.withLock { state in
                        guard case .some(let parked) = state.pending[waiterID] else { return CancellationError() }
                        if let parked {
                            state.pending[waiterID] = nil
                            return parked
                        }
                        state.waiters.append(Waiter(id: waiterID, reservation: reservation, owner: state.entries[reservation]?.owner, bytes: bytes, continuation: continuation))
                        breakDeadlock(&state)
                        return nil
                    }
                    if let early { continuation.resume(throwing: early) }
                }
            } onCancel: {
                self.abort(waiterID, with: CancellationError())
            }
        }
    }

    private func abort(_ waiterID: Int, with error: any Error) {
        let continuation = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            if let index = state.waiters.firstIndex(where: { $0.id == waiterID }) {
                state.pending[waiterID] = nil
                return state.waiters.remove(at: index).continuation
            }
            if case .some(.none) = state.pending[waiterID] { state.pending[waiterID] = .some(error) }
            return nil
        }
        continuation?.resume(throwing: error)
        // A waiter leaving the head of the line may let the ones behind it through.
        let resumed = state.withLock { serveWaiters(&$0) }
        for continuation in resumed { continuation.resume() }
    }

    // MARK: - State helpers (called with the lock held)

    private func apply(_ bytes: Int, to reservation: Int, in state: inout State) -> [@Sendable (MemoryBudgetStats) -> Void] {
        state.entries[reservation]?.bytes += bytes
        if let owner = state.entries[reservation]?.owner { state.ownerTotals[owner, default: 0] += bytes }
        state.current += bytes
        state.peak = Swift.max(state.peak, state.current)
        let utilization = Double(state.current) / Double(limits.maxTotal) * 100
        if utilization >= limits.warningThreshold && !state.warned {
            state.warned = true
            return state.observers
        }
        return []
    }

    private func free(_ bytes: Int, owner: Int?, in state: inout State) {
        state.current -= bytes
        if let owner, let total = state.ownerTotals[owner] {
            state.ownerTotals[owner] = total - bytes > 0 ? total - bytes : nil
        }
        if Double(state.current) / Double(limits.maxTotal) * 100 < limits.warningThreshold { state.warned = false }
    }

    /// Grants waiters strictly in arrival order while the head of the line fits. When all the
    /// memory held belongs to waiters, none can ever be served: the newest waiter holding
    /// memory is failed (retryably) so its job releases what it holds and the line moves.
    private func serveWaiters(_ state: inout State) -> [CheckedContinuation<Void, any Error>] {
        var granted: [CheckedContinuation<Void, any Error>] = []
        while let head = state.waiters.first, state.current + head.bytes <= limits.maxTotal {
            state.waiters.removeFirst()
            state.pending[head.id] = nil
            if state.entries[head.reservation] != nil {
                _ = apply(head.bytes, to: head.reservation, in: &state)
                granted.append(head.continuation)
            } else {
                head.continuation.resume(throwing: JobError.permanent("the reservation was released while waiting", code: "reservation_released"))
            }
        }
        breakDeadlock(&state)
        return granted
    }

    private func breakDeadlock(_ state: inout State) {
        guard !state.waiters.isEmpty, state.current > 0 else { return }
        var heldByWaiters = 0
        var counted: Set<Int> = []
        for waiter in state.waiters {
            let key = waiter.owner.map { -$0 } ?? waiter.reservation
            guard counted.insert(key).inserted else { continue }
            heldByWaiters += state.held(owner: waiter.owner, reservation: waiter.reservation)
        }
        guard heldByWaiters >= state.current,
              let index = state.waiters.lastIndex(where: { state.held(owner: $0.owner, reservation: $0.reservation) > 0 }) else { return }
        let victim = state.waiters.remove(at: index)
        state.pending[victim.id] = nil
        victim.continuation.resume(throwing: JobError.retryable(
            "Memory budget exhausted by jobs waiting on each other; giving up \(ByteCount.format(state.held(owner: victim.owner, reservation: victim.reservation))) to let them finish",
            code: "memory_deadlock"))
    }

    private func snapshot(_ state: State) -> MemoryBudgetStats {
        MemoryBudgetStats(
            current: state.current, peak: state.peak, max: limits.maxTotal, perJobCap: limits.maxPerJob,
            utilization: (Double(state.current) / Double(limits.maxTotal) * 1000).rounded() / 10,
            warningThreshold: limits.warningThreshold, activeReservations: state.entries.values.count(where: { $0.bytes > 0 }),
            waiters: state.waiters.count,
            formatted: .init(
                current: ByteCount.format(state.current), peak: ByteCount.format(state.peak),
                max: ByteCount.format(limits.maxTotal), perJobCap: ByteCount.format(limits.maxPerJob)))
    }
}
