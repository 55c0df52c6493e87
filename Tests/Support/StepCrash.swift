public import Conveyor
public import Foundation
import Testing

/// Durable steps when the worker running them is killed with SIGKILL, on any store a worker can
/// open (`storeURL`): what a finished step did is not done again, and an at-most-once step left
/// without an outcome is never run twice.
public enum StepCrash {
    static let environment = ["CONVEYOR_LEASE": "2s", "CONVEYOR_LOG_LEVEL": "warning"]

    static func worker(_ storeURL: String, _ extra: [String: String] = [:]) throws -> ProductProcess {
        try ProductProcess(
            "step-fixture-worker", ["worker", "--store", storeURL, "--workers", "2"],
            environment: environment.merging(extra) { _, new in new })
    }

    /// `journal-lines`: its first stage appends a line to a file; the worker is killed in the
    /// second. The job completes after the rescue, and the file has one line.
    public static func sideEffectOnce(_ store: any JobStore, storeURL: String, directory: URL) async throws {
        let file = directory.appendingPathComponent("lines.txt")
        try Data().write(to: file)
        let payload = try JSONSerialization.data(withJSONObject: ["file": file.path, "stallMs": 6_000])
        let job = NewJob(type: "journal-lines", payload: payload, maxAttempts: 3)
        _ = try await store.enqueue([job], limits: .none)

        let first = try worker(storeURL)
        try await waitUntil("the job is in its second stage") {
            let current = try await store.job(job.id)
            return current?.status == .running && current?.progress.stage == "stall"
        }
        first.kill(SIGKILL)
        #expect(try await first.finish().status == SIGKILL)

        let second = try worker(storeURL)
        try await waitUntil("the job ended") { try await store.job(job.id)?.status.isTerminal == true }
        second.kill(SIGTERM)
        _ = try await second.finish()

        let ended = try #require(try await store.job(job.id))
        #expect(ended.status == .completed && ended.attempts == 2, "\(ended.error?.message ?? "")")
        #expect(ended.result == Data("1".utf8))
        #expect(try String(contentsOf: file, encoding: .utf8) == "appended by attempt 1\n")
        let steps = try await store.steps(of: job.id).filter { $0.stageIndex != nil }
        #expect(steps.map(\.name) == ["append", "stall"] && steps.map(\.attempt) == [1, 2])
    }

    /// `video-to-telegram` killed after Telegram's answer was recorded (`hold(true)` makes the
    /// store refuse the job's completion, so the worker is stuck right after the upload): the
    /// next worker finishes the job from the record, and the double saw one sendVideo.
    public static func uploadRecordedOnce(
        _ store: any JobStore, storeURL: String, media: String, telegram: BotAPIDouble, hold: (Bool) async throws -> Void
    ) async throws {
        let token = try await telegram.token()
        let job = NewJob(type: "video-to-telegram", payload: Data(#"{"url": "\#(media)", "chatId": 777}"#.utf8), maxAttempts: 3)
        _ = try await store.enqueue([job], limits: .none)
        let settings = ["TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_URL": telegram.apiURL, "CONVEYOR_ALLOW_PRIVATE_URLS": "127.0.0.1"]
        try await hold(true)
        let first = try worker(storeURL, settings)
        try await waitUntil("the upload is recorded") {
            try await store.steps(of: job.id).contains { $0.name == "upload/sendVideo" && $0.status == .completed }
        }
        first.kill(SIGKILL)
        #expect(try await first.finish().status == SIGKILL)
        #expect(try await store.job(job.id)?.status == .running, "the test's hold kept the job from completing")
        try await hold(false)

        let second = try worker(storeURL, settings)
        try await waitUntil("the job ended") { try await store.job(job.id)?.status.isTerminal == true }
        second.kill(SIGTERM)
        _ = try await second.finish()
        let ended = try #require(try await store.job(job.id))
        #expect(ended.status == .completed && ended.attempts == 2, "\(ended.error?.message ?? "")")
        #expect(try await telegram.requests(token: token).count == 1, "the video was posted again")
    }

    /// The double has the whole upload and holds its answer while the worker is killed. At most
    /// once: the job fails `outcome_unknown` and the double saw one sendVideo; at least once: it
    /// is sent again, and the double saw two.
    public static func answerLost(_ store: any JobStore, storeURL: String, media: String, telegram: BotAPIDouble, delivery: StepDelivery) async throws {
        let token = try await telegram.token(answering: [.held(30)])
        let payload = #"{"url": "\#(media)", "chatId": 777, "delivery": "\#(delivery.rawValue)"}"#
        let job = NewJob(type: "video-to-telegram", payload: Data(payload.utf8), maxAttempts: 3)
        _ = try await store.enqueue([job], limits: .none)
        let settings = ["TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_URL": telegram.apiURL, "CONVEYOR_ALLOW_PRIVATE_URLS": "127.0.0.1"]
        let first = try worker(storeURL, settings)
        try await waitUntil("the double has the whole upload") { try await telegram.requests(token: token).count == 1 }
        first.kill(SIGKILL)
        #expect(try await first.finish().status == SIGKILL)

        let second = try worker(storeURL, settings)
        try await waitUntil("the job ended") { try await store.job(job.id)?.status.isTerminal == true }
        second.kill(SIGTERM)
        _ = try await second.finish()
        let ended = try #require(try await store.job(job.id))
        let sent = try await telegram.requests(token: token).count
        switch delivery {
        case .atMostOnce:
            #expect(ended.status == .failed && ended.error?.code == .outcomeUnknown, "\(ended.status): \(ended.error?.message ?? "")")
            #expect(sent == 1)
        case .atLeastOnce:
            #expect(ended.status == .completed, "\(ended.error?.message ?? "")")
            #expect(sent == 2)
        }
    }
}
