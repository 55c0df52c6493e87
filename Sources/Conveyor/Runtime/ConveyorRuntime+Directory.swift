import Foundation

extension ConveyorRuntime {
    /// This process as a ``WorkerRecord``: what it runs now and has run.
    public var workerRecord: WorkerRecord {
        let (running, processed, draining, startedAt) = coordinator.withLock { ($0.running.count, $0.processed, $0.draining, $0.startedAt) }
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "localhost"
        return WorkerRecord(
            id: configuration.workerID, host: host, pid: Int(ProcessInfo.processInfo.processIdentifier), startedAt: startedAt,
            concurrency: configuration.concurrency, running: running, processed: processed, queues: configuration.queues,
            draining: draining, lastSeenAt: Date())
    }

    /// The worker processes sharing this runtime's store that reported lately — this one among
    /// them while it runs; empty for a store without a ``WorkerDirectory``.
    public func liveWorkers() async throws -> [WorkerRecord] {
        var workers = try await (store as? any WorkerDirectory)?.workers(seenSince: Date().addingTimeInterval(-WorkerRecord.staleAfter)) ?? []
        // This process as it is this instant, not as it last reported.
        if coordinator.withLock({ $0.started && !$0.stopped }) {
            let own = workerRecord
            workers.removeAll { $0.id == own.id }
            workers.append(own)
            workers.sort { $0.id < $1.id }
        }
        return workers
    }

    /// Reports this process to the store's directory (every ``WorkerRecord/reportInterval``).
    func reportWorker() async {
        guard let directory = store as? any WorkerDirectory else { return }
        let record = workerRecord
        await run("report this worker") { try await directory.recordWorker(record) }
    }

    /// Takes this process off the list as it stops.
    func unlistWorker() async {
        guard let directory = store as? any WorkerDirectory else { return }
        let id = configuration.workerID
        await run("unlist this worker") { try await directory.removeWorker(id: id) }
    }
}
