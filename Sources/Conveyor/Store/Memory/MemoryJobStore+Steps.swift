extension MemoryJobStore {
    public func steps(of ids: [JobID]) async throws -> [JobID: [StepRecord]] {
        locked { state in
            var found: [JobID: [StepRecord]] = [:]
            for id in ids {
                guard let records = state.steps[id], !records.isEmpty else { continue }
                found[id] = records.values.sorted { ($0.position, $0.key) < ($1.position, $1.key) }
            }
            return found
        }
    }

    public func record(_ writes: [StepWrite]) async throws -> Set<JobID> {
        locked { state in
            var applied: Set<JobID> = []
            for write in writes {
                guard let job = state.jobs[write.jobID], job.status == .running, job.lease?.workerID == write.workerID,
                    job.attempts == write.attempt
                else { continue }
                switch write.change {
                case .save(let record): state.steps[write.jobID, default: [:]][record.key] = record
                case .remove(let key): state.steps[write.jobID]?[key] = nil
                case .removeAll: state.steps[write.jobID] = nil
                }
                applied.insert(write.jobID)
            }
            return applied
        }
    }
}
