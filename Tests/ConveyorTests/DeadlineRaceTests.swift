import Conveyor
import Testing

/// Every store call against PostgreSQL and every health probe goes through `DeadlineRace`; a
/// call made by a task that is already cancelled (a worker's maintenance loop during shutdown)
/// once waited forever, and the worker never exited.
@Suite("DeadlineRace: whichever comes first")
struct DeadlineRaceTests {
    @Test("a caller cancelled before the call gets CancellationError at once", .timeLimit(.minutes(1)))
    func cancelledBeforeTheCall() async throws {
        let task = Task<Result<Int?, any Error>, Never> {
            withUnsafeCurrentTask { $0?.cancel() }
            do {
                return .success(try await DeadlineRace.run(limit: .seconds(3600)) {
                    try await Task.sleep(for: .seconds(3600))
                    return 1
                })
            } catch { return .failure(error) }
        }
        switch await task.value {
        case .success(let value): Issue.record("expected CancellationError, got \(String(describing: value))")
        case .failure(let error): #expect(error is CancellationError)
        }
    }

    @Test("a caller cancelled during the call gets CancellationError")
    func cancelledDuringTheCall() async throws {
        let task = Task { try await DeadlineRace.run(limit: .seconds(3600)) { try await Task.sleep(for: .seconds(3600)) } }
        try await Task.sleep(for: .milliseconds(50))
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }

    @Test("the operation's value when it is first, nil when the limit is")
    func firstWins() async throws {
        #expect(try await DeadlineRace.run(limit: .seconds(3600)) { 7 } == 7)
        let late = try await DeadlineRace.run(limit: .milliseconds(10)) { () async throws -> Int in
            try await Task.sleep(for: .seconds(3600))
            return 7
        }
        #expect(late == nil)
    }
}
