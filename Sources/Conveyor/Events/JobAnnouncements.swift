import Synchronization

/// Keeps a new job's events in the order its states changed. A store wakes workers as soon as
/// its write commits, so a worker can claim a job — and report it running, even failed — before
/// the enqueue that made it has said `queued`. While an enqueue is in flight, its jobs' other
/// events wait here and follow the `queued` event; every other job's events pass at once.
final class JobAnnouncements: Sendable {
    /// Jobs being enqueued, with the events that came for them meanwhile, in order.
    private let held = Mutex<[JobID: [JobEvent]]>([:])

    /// Before the store write: events of these jobs wait for ``release(_:into:)``.
    func hold(_ ids: [JobID]) {
        held.withLock { held in for id in ids { held[id] = [] } }
    }

    /// After the store write: each job's own announcement first (`announcements`, in order),
    /// then whatever waited; ids no longer held. With no announcement (the store refused, or
    /// returned an existing job) the waiting events go out alone.
    func release(_ ids: [JobID], announcing announcements: [JobID: JobEvent], into bus: EventBus) {
        held.withLock { held in
            for id in ids {
                if let event = announcements[id] { bus.emit(event) }
                for waiting in held.removeValue(forKey: id) ?? [] { bus.emit(waiting) }
            }
        }
    }

    /// Emits `event` now, or after its job's announcement while the job is being enqueued.
    func emit(_ event: JobEvent, for id: JobID, into bus: EventBus) {
        guard bus.hasSubscribers else { return }  // the hot path without listeners takes no lock
        held.withLock { held in
            if held[id] != nil { held[id]?.append(event) } else { bus.emit(event) }
        }
    }
}
