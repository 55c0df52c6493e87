/// Stages composed so far, from `Input` to `Output`. The result builder only lets a stage
/// follow one whose output is its input, so a pipeline that compiles has matching types.
public struct StageChain<Input: Sendable, Output: Sendable>: Sendable {
    /// Names and weights, in order.
    let stages: [HandlerDescription.StageInfo]
    /// Runs the chain; `enter(i)` gives the context for stage `i`.
    let body: @Sendable (Input, _ enter: @Sendable (Int) -> JobContext) async throws -> Output

    init<S: Stage>(first stage: S) where S.Input == Input, S.Output == Output {
        stages = [.init(name: stage.name, weight: stage.weight)]
        body = { input, enter in try await stage.run(input, context: enter(0)) }
    }

    init<Middle, S: Stage>(_ head: StageChain<Input, Middle>, then stage: S) where S.Input == Middle, S.Output == Output {
        let index = head.stages.count
        stages = head.stages + [.init(name: stage.name, weight: stage.weight)]
        body = { input, enter in
            let middle = try await head.body(input, enter)
            try Task.checkCancellation()
            return try await stage.run(middle, context: enter(index))
        }
    }
}
