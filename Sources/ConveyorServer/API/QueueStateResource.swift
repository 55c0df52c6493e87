/// The answer to pause and resume.
struct QueueStateResource: Encodable, Sendable {
    let queue: String
    let paused: Bool
}
