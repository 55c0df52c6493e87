import Conveyor
import ConveyorAPI

extension EnqueueBody {
    /// The runtime request, owned by `owner`; `dependsOn` holds job ids.
    func request(owner: String) throws -> JobRequest {
        let ids = try (dependsOn ?? []).enumerated().map { place, text in
            guard let id = JobID(text) else { throw APIError.badRequest("dependsOn[\(place)]: \(MessageText.quoted(text)) is not a job id (UUID)") }
            return id
        }
        return try request(owner: owner, dependsOn: ids)
    }

    /// The runtime request, owned by `owner`, waiting for `ids` (a flow resolves its keys itself).
    func request(owner: String, dependsOn ids: [JobID]) throws -> JobRequest {
        let payloadData = try JSONBody.data(payload ?? .object([:]))
        return JobRequest(
            type: type, payload: payloadData,
            options: EnqueueOptions(
                queue: queue, priority: priority, delay: delay?.duration, runAt: runAt, maxAttempts: maxAttempts,
                timeout: timeout?.duration, dedupKey: dedupKey, owner: owner, dependsOn: ids, onDependencyFailure: onDependencyFailure))
    }
}
