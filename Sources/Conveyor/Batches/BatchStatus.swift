/// Where a batch is: some of its jobs unfinished, or all ended.
public enum BatchStatus: String, Sendable, Hashable, Codable {
    case running, finished
}
