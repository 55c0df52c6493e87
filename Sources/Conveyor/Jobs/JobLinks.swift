/// What most jobs lack — failed attempts, dependencies, a flow, a batch — behind one reference, so that a
/// job without them (nearly all of them) is copied as cheaply as before they existed: the
/// runtime and the stores copy each job several times on its way through.
final class JobLinks: Sendable, Hashable {
    struct Values: Sendable, Hashable {
        var failedAttempts: [AttemptFailure] = []
        var dependsOn: [JobID] = []
        var onDependencyFailure: DependencyFailurePolicy = .cancel
        var waitingOn = 0
        var flow: FlowMembership?
        var batch: BatchMembership?

        static let none = Values()
    }

    let values: Values

    init(_ values: Values) {
        self.values = values
    }

    /// `nil` for values that hold nothing, so such jobs carry no reference at all.
    static func make(_ values: Values) -> JobLinks? {
        values == .none ? nil : JobLinks(values)
    }

    static func == (a: JobLinks, b: JobLinks) -> Bool { a.values == b.values }

    func hash(into hasher: inout Hasher) { hasher.combine(values) }
}
