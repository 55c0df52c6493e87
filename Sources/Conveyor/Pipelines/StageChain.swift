/// Stages composed so far, from `Input` to `Output`. The result builder only lets a stage
/// follow one whose output is its input, so a pipeline that compiles has matching types; the
/// links keep each stage with its types erased, so a pipeline can start at any of them.
public struct StageChain<Input: Sendable, Output: Sendable>: Sendable {
    let links: [StageLink]
    /// The stages' names in order, hashed: what tells a later attempt the pipeline is the same.
    let shape: String

    /// Names and weights, in order.
    var stages: [HandlerDescription.StageInfo] { links.map { .init(name: $0.name, weight: $0.weight) } }

    init<S: Stage>(first stage: S) where S.Input == Input, S.Output == Output {
        links = [StageLink(stage)]
        shape = StageLink.shape(of: links.map(\.name))
    }

    init<Middle, S: Stage>(_ head: StageChain<Input, Middle>, then stage: S) where S.Input == Middle, S.Output == Output {
        links = head.links + [StageLink(stage)]
        shape = StageLink.shape(of: links.map(\.name))
    }
}
