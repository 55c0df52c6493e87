import Synchronization

/// Turns a job's progress calls into events: never backwards, at most one event per
/// `minimumInterval` (10/s) except when the stage changes, a stage says its first message
/// ("Reading metadata" right after entering the stage), or the job reaches 100 %.
package final class ProgressTracker: Sendable {
    private struct State {
        var percent: Double = 0
        var stage: String?
        /// Whether an event of the current stage carried a message yet.
        var stageHasMessage = false
        var lastEmit: ContinuousClock.Instant?
        var emittedComplete = false
    }

    private let state = Mutex(State())
    private let minimumInterval: Duration
    private let sink: @Sendable (JobProgress) -> Void

    package init(minimumInterval: Duration = .milliseconds(100), sink: @escaping @Sendable (JobProgress) -> Void) {
        self.minimumInterval = minimumInterval
        self.sink = sink
    }

    /// The latest progress, emitted or not.
    package var current: JobProgress {
        state.withLock { JobProgress(percent: $0.percent, stage: $0.stage, message: nil) }
    }

    func report(percent raw: Double, stage: String?, message: String?) {
        let now = ContinuousClock.now
        let event: JobProgress? = state.withLock { state in
            let percent = max(state.percent, min(100, (raw * 10).rounded() / 10))
            let stageChanged = stage != state.stage
            if stageChanged { state.stageHasMessage = false }
            let firstMessage = message != nil && !state.stageHasMessage
            let reachedEnd = percent >= 100 && !state.emittedComplete
            let due = state.lastEmit.map { now - $0 >= minimumInterval } ?? true
            state.percent = percent
            state.stage = stage
            guard stageChanged || firstMessage || reachedEnd || due else { return nil }
            state.lastEmit = now
            if message != nil { state.stageHasMessage = true }
            if percent >= 100 { state.emittedComplete = true }
            return JobProgress(percent: percent, stage: stage, message: message)
        }
        if let event { sink(event) }
    }
}
