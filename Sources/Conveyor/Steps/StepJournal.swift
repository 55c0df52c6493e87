import Foundation
import Logging
import Synchronization

/// One attempt's view of its job's recorded steps: read from the store the first time a step
/// asks, then kept in step with what this attempt writes. Pipelines and `context.step` share it,
/// so a step inside a stage counts its occurrences with the rest.
public final class StepJournal: Sendable {
    private struct State {
        var records: [String: StepRecord]?
        var occurrences: [String: Int] = [:]
    }

    let jobID: JobID
    let workerID: String
    let attempt: Int
    let maxOutput: Int
    private let writer: StepWriter
    private let reader: StepReader
    private let state = Mutex(State())

    init(jobID: JobID, workerID: String, attempt: Int, maxOutput: Int, writer: StepWriter, reader: StepReader) {
        self.jobID = jobID
        self.workerID = workerID
        self.attempt = attempt
        self.maxOutput = maxOutput
        self.writer = writer
        self.reader = reader
    }

    /// What earlier attempts (and this one) recorded, by key.
    func records() async throws -> [String: StepRecord] {
        if let records = state.withLock({ $0.records }) { return records }
        let loaded: [StepRecord]
        do { loaded = try await reader.steps(of: jobID) } catch {
            throw JobError.retryable("Could not read the job's recorded steps: \(error)", code: .storeUnavailable)
        }
        let byKey = Dictionary(loaded.map { ($0.key, $0) }, uniquingKeysWith: { _, last in last })
        return state.withLock { state in
            if state.records == nil { state.records = byKey }
            return state.records!
        }
    }

    /// The key of the next step called `name` in this attempt: the same name twice is two steps.
    func nextKey(for name: String) -> String {
        state.withLock { state in
            let occurrence = state.occurrences[name, default: 0]
            state.occurrences[name] = occurrence + 1
            return occurrence == 0 ? "step/\(name)" : "step/\(name)#\(occurrence + 1)"
        }
    }

    /// The position a new plain step takes: after the stages and every step recorded so far.
    func nextStepPosition() -> Int {
        state.withLock { state in
            StepJournal.firstStepPosition + (state.records ?? [:]).values.filter { $0.position >= StepJournal.firstStepPosition }.count
        }
    }

    /// Steps of plain handlers sort after any pipeline stage.
    static let firstStepPosition = 10_000

    /// Writes records (all or none). `durably`: waits until the store has them — what an
    /// at-most-once step's start needs; otherwise they are written while the job goes on (before
    /// its outcome), and a worker dying in those milliseconds runs the step again.
    func save(_ records: [StepRecord], durably: Bool = false) async throws {
        let changes = records.map { StepWrite.Change.save($0) }
        if durably { try await write(changes) } else { queue(changes) }
        state.withLock { state in
            for record in records { state.records?[record.key] = record }
        }
    }

    func remove(key: String) {
        queue([.remove(key: key)])
        state.withLock { _ = $0.records?.removeValue(forKey: key) }
    }

    func removeAll() async throws {
        try await write([.removeAll])
        state.withLock { $0.records = [:] }
    }

    /// `value` as JSON when it is `Codable` and within `CONVEYOR_MAX_STEP_OUTPUT`; `nil` (logged) when too big.
    func output(_ encode: () throws -> Data, step: String, logger: @autoclosure () -> Logger) -> Data? {
        guard let data = try? encode() else { return nil }
        guard data.count <= maxOutput else {
            logger().info("Step output not recorded: larger than CONVEYOR_MAX_STEP_OUTPUT; a later attempt runs the step again", metadata: [
                "step": "\(step)", "bytes": "\(data.count)", "limit": "\(maxOutput)",
            ])
            return nil
        }
        return data
    }

    private func queue(_ changes: [StepWrite.Change]) {
        writer.enqueue(changes.map { StepWrite(jobID: jobID, workerID: workerID, attempt: attempt, change: $0) })
    }

    private func write(_ changes: [StepWrite.Change]) async throws {
        let applied: Bool
        do {
            applied = try await writer.write(changes.map { StepWrite(jobID: jobID, workerID: workerID, attempt: attempt, change: $0) })
        } catch {
            throw JobError.retryable("Could not record the job's step: \(error)", code: .storeUnavailable)
        }
        // The job was rescued or cancelled: this attempt no longer owns it, so nothing after runs.
        guard applied else { throw CancellationError() }
    }
}
