import Conveyor
import ConveyorAPI

extension EnqueueBody {
    /// The runtime request, owned by `owner`.
    func request(owner: String) throws -> JobRequest {
        let payloadData = try JSONBody.data(payload ?? .object([:]))
        return JobRequest(
            type: type, payload: payloadData,
            options: EnqueueOptions(
                queue: queue, priority: priority, delay: delay?.duration, runAt: runAt, maxAttempts: maxAttempts,
                timeout: timeout?.duration, dedupKey: dedupKey, owner: owner, dependsOn: dependsOn ?? [],
                onDependencyFailure: onDependencyFailure))
    }
}
