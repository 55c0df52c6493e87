public import Conveyor
public import Foundation

/// One step of a job as job JSON shows it (DESIGN §13): a pipeline's stage, or a
/// `context.step` of a plain handler, with the attempt that ran it.
public struct StepResource: Codable, Sendable, Hashable {
    public var name: String
    public var status: StepStatus
    /// The attempt that ran it (or runs it); `null` for one never started.
    public var attempt: Int?
    public var startedAt: Date?
    public var finishedAt: Date?

    public init(name: String, status: StepStatus, attempt: Int?, startedAt: Date?, finishedAt: Date?) {
        self.name = name
        self.status = status
        self.attempt = attempt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, status, attempt, startedAt, finishedAt
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(status, forKey: .status)
        try c.encode(attempt, forKey: .attempt)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(finishedAt, forKey: .finishedAt)
    }

    /// The steps of `job`: for a pipeline (`stages`, its stage names in order) one per stage —
    /// recorded ones completed, the one its progress names running, the rest pending, or skipped
    /// once the job ended without them (the last stage, whose output is the job's result, is
    /// completed with the job) — then the `context.step`s it recorded, in the order they ran.
    public static func list(for job: Job, records: [StepRecord], stages: [String]) -> [StepResource] {
        var byIndex: [Int: StepRecord] = [:]
        for record in records { if let index = record.stageIndex { byIndex[index] = record } }
        var steps: [StepResource] = []
        for (index, name) in stages.enumerated() {
            if let record = byIndex[index], record.name == name, record.status == .completed {
                steps.append(StepResource(record))
            } else if job.status == .completed {
                steps.append(StepResource(name: name, status: .completed, attempt: job.attempts, startedAt: nil, finishedAt: job.finishedAt))
            } else if job.status == .running, job.progress.stage == name, !steps.contains(where: { $0.status == .running }) {
                steps.append(StepResource(name: name, status: .running, attempt: job.attempts, startedAt: nil, finishedAt: nil))
            } else {
                steps.append(StepResource(name: name, status: job.status.isTerminal ? .skipped : .pending, attempt: nil, startedAt: nil, finishedAt: nil))
            }
        }
        let own = records.filter { $0.key.hasPrefix("step/") }.sorted { ($0.position, $0.startedAt) < ($1.position, $1.startedAt) }
        return steps + own.map(StepResource.init)
    }

    init(_ record: StepRecord) {
        self.init(name: record.name, status: record.status, attempt: record.attempt, startedAt: record.startedAt, finishedAt: record.finishedAt)
    }
}
