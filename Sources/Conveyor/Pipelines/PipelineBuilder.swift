/// Builds a `StageChain` from stages listed in order, checking at compile time that each
/// stage's input is the previous stage's output.
@resultBuilder
public enum PipelineBuilder {
    public static func buildPartialBlock<S: Stage>(first stage: S) -> StageChain<S.Input, S.Output> {
        StageChain(first: stage)
    }

    public static func buildPartialBlock<Input, Middle, S: Stage>(
        accumulated head: StageChain<Input, Middle>, next stage: S
    ) -> StageChain<Input, S.Output> where S.Input == Middle {
        StageChain(head, then: stage)
    }
}
