/// Where a job sits in a flow: the flow's id (a UUIDv7, made like a job's), the job's key in
/// it, and the flow's name. Kept on each job, so a flow is simply the jobs that carry its id.
public struct FlowMembership: Sendable, Hashable, Codable {
    public var id: JobID
    /// Unique within the flow: how its jobs name each other (`dependsOn: ["fetch"]`).
    public var key: String
    public var name: String?

    public init(id: JobID, key: String, name: String?) {
        self.id = id
        self.key = key
        self.name = name
    }
}
