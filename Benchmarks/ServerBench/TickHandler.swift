import Conveyor
import Foundation

/// Reports progress `reports` times, `intervalMs` apart, each message the wall-clock time of
/// the report (the bench subtracts it from the arrival time; same process, same clock).
struct TickHandler: JobHandler {
    struct Input: Codable, Sendable {
        var reports: Int
        var intervalMs: Int
    }

    struct Output: Codable, Sendable {}

    static let name = "tick"

    func run(_ input: Input, context: JobContext) async throws -> Output {
        for report in 1...max(1, input.reports) {
            try await Task.sleep(for: .milliseconds(input.intervalMs))
            context.progress(Double(report) / Double(input.reports), String(format: "%.6f", Date().timeIntervalSince1970))
        }
        return Output()
    }
}
