/// Where a flow is, read off its jobs: `running` while any is unfinished; then `completed` when
/// all completed, `failed` when any failed, else `cancelled`.
public enum FlowStatus: String, Sendable, Codable, Hashable {
    case running, completed, failed, cancelled
}
