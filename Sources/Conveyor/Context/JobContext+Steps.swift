import Foundation

extension JobContext {
    /// Runs `body` once per job, not once per attempt: its result is recorded when it returns, and
    /// a later attempt (a retry, or a rescue after the worker died) gets the recorded result
    /// without running it again. Steps are told apart by name and by occurrence, so call them in
    /// the same order every attempt.
    ///
    /// ```swift
    /// let invoice = try await context.step("charge") { try await payments.charge(order) }
    /// try await context.step("receipt", delivery: .atMostOnce) { try await mail.send(receipt(invoice)) }
    /// ```
    ///
    /// With `.atMostOnce` the start is recorded first: if the worker dies inside `body`, the next
    /// attempt fails the job with `outcome_unknown` rather than risk doing it twice. A step that
    /// throws has not happened, so a retry runs it again. A result over `CONVEYOR_MAX_STEP_OUTPUT`
    /// is not recorded (and the step runs again next attempt).
    public func step<T: Codable & Sendable>(
        _ name: String, delivery: StepDelivery = .atLeastOnce, _ body: () async throws -> T
    ) async throws -> T {
        guard let journal else { return try await body() }
        let fullName = stageName.map { "\($0)/\(name)" } ?? name
        let key = journal.nextKey(for: fullName)
        let records = try await journal.records()
        let earlier = records[key]
        if let earlier, earlier.status == .completed, let output = earlier.output, let value = try? JSONCoding.decode(T.self, from: output) {
            return value
        }
        if let earlier, earlier.status == .running, delivery == .atMostOnce {
            throw JobError.permanent(
                "Step '\(fullName)' started in attempt \(earlier.attempt) and left no outcome; it is at-most-once, so it is not run again",
                code: .outcomeUnknown)
        }
        let started = StepRecord(
            key: key, name: fullName, position: earlier?.position ?? journal.nextStepPosition(), status: .running, attempt: attempt,
            startedAt: Date())
        if delivery == .atMostOnce { try await journal.save([started], durably: true) }
        let value: T
        do {
            value = try await body()
        } catch {
            // It failed, so its outcome is known: a retry may run it. Cancelled, it stays unknown.
            if delivery == .atMostOnce, !(error is CancellationError), !Task.isCancelled { journal.remove(key: key) }
            throw error
        }
        var finished = started
        finished.status = .completed
        finished.finishedAt = Date()
        finished.output = journal.output({ try JSONCoding.encode(value) }, step: fullName, logger: logger)
        try await journal.save([finished])
        return value
    }
}
