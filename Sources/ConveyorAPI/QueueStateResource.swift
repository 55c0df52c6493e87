/// The answer to pause and resume: the queue and whether it is paused now.
public struct QueueStateResource: Codable, Sendable, Hashable {
    public var queue: String
    public var paused: Bool

    public init(queue: String, paused: Bool) {
        self.queue = queue
        self.paused = paused
    }
}
