public import Foundation

extension JobTransitions {
    /// The job `new` becomes given its dependencies as the store holds them now (`dependencies`
    /// has each one the store found, new jobs earlier in the same enqueue included): `waiting` on
    /// the unfinished ones; when one already failed or was cancelled, its policy applies at once —
    /// `cancelled` with `dependency_failed`, or not waiting on that one. Throws `.invalidInput`
    /// naming `dependsOn[i]` for an id that is not there, listed twice, or the job itself.
    public static func start(_ new: NewJob, dependencies: [JobID: Job], now: Date) throws -> Job {
        var job = new.job
        guard !new.dependsOn.isEmpty else { return job }
        var seen: Set<JobID> = []
        var waiting = 0
        var failed: Job?
        for (index, id) in new.dependsOn.enumerated() {
            guard id != new.id else { throw ConveyorError(.invalidInput, "dependsOn[\(index)]: a job cannot wait for itself") }
            guard seen.insert(id).inserted else { throw ConveyorError(.invalidInput, "dependsOn[\(index)]: \(id) is listed twice") }
            guard let dependency = dependencies[id] else { throw ConveyorError(.invalidInput, "dependsOn[\(index)]: no job with id \(id)") }
            switch dependency.status {
            case .completed: break
            case .failed, .cancelled: failed = failed ?? dependency
            default: waiting += 1
            }
        }
        if let failed, new.onDependencyFailure == .cancel {
            job.status = .cancelled
            job.finishedAt = now
            job.error = dependencyFailure(failed)
            return job
        }
        job.waitingOn = waiting
        if waiting > 0 { job.status = .waiting }
        return job
    }

    /// A waiting job after one of its dependencies ended (`dependency` as it ended): cancelled with
    /// `dependency_failed` when that one did not complete and the job's policy is `cancel`; else
    /// waiting on one fewer, and `queued` (or `scheduled`, before its run time) when none is left.
    /// `nil` when the job no longer waits (a user cancelled it meanwhile).
    public static func dependencyEnded(_ job: Job, dependency: Job, now: Date) -> Job? {
        guard job.status == .waiting else { return nil }
        var job = job
        if dependency.status != .completed && job.onDependencyFailure == .cancel {
            job.moved(to: .cancelled)
            job.finishedAt = now
            job.error = dependencyFailure(dependency)
            job.waitingOn = 0
            return job
        }
        job.waitingOn = max(0, job.waitingOn - 1)
        if job.waitingOn == 0 { job.moved(to: job.scheduledAt > now ? .scheduled : .queued) }
        return job
    }

    /// Why a job gave up on `dependency`, naming it.
    static func dependencyFailure(_ dependency: Job) -> JobFailure {
        let why = dependency.error.map { ": \($0.message)" } ?? ""
        return JobFailure(
            code: .dependencyFailed, message: "Dependency \(dependency.id) (\(dependency.type)) \(dependency.status.rawValue)\(why)", isPermanent: true)
    }
}
