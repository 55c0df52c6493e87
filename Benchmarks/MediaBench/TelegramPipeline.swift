import ArgumentParser
import BenchSupport
import Conveyor
import ConveyorTelegramUpload
import ConveyorVideoDownload
import Foundation
import Logging

/// `telegram URL --api URL --jobs N --concurrency C`: the whole `video-to-telegram` pipeline
/// against a Bot API (the double in `--bench` mode): time per stage, and peak RSS growth against
/// the bytes of the videos in flight — which shows whether a video is ever copied on its way.
struct TelegramPipeline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "telegram", abstract: "video-to-telegram end to end: stage times and RSS per video in flight.")
    @Argument var url: String
    @Option(help: "Bot API base URL.") var api: String
    @Option var jobs = 6
    @Option var concurrency = 3

    func run() async throws {
        let token = TelegramBotToken("123456789:AAHbenchmarkbenchmarkbenchmark00")!
        let telegram = TelegramConfiguration(token: token, apiURL: api, maxUpload: 200_000_000)
        let download = VideoDownloadConfiguration(destinations: .any)
        let limits = MemoryLimits(maxTotal: 1_000_000_000, maxPerJob: 200_000_000)
        var logger = Logger(label: "media-bench")
        logger.logLevel = .warning
        let runtime = try ConveyorRuntime(
            store: MemoryJobStore(), plugins: [TelegramUploadPlugin(telegram: telegram, download: download)],
            configuration: RuntimeConfiguration(concurrency: concurrency, pollInterval: .milliseconds(10), memory: limits), logger: logger)
        let (baseline, peak, budgetPeak, elapsed, timeline) = try await runtime.withRunning {
            // One video first, so FFmpeg's and libcurl's code is paged in before the baseline.
            let warmUp = VideoToTelegramRequest(url: url, chatId: .id(1))
            let first = try await runtime.enqueue(JobRequest(type: VideoToTelegram.name, payload: try JSONEncoder().encode(warmUp))).job.id
            guard try await runtime.waitUntilFinished(first, pollEvery: .milliseconds(10)).status == .completed else {
                throw ValidationError("the warm-up job failed")
            }
            let timeline = Task { [jobs] in await StageTimeline.follow(runtime.events(), jobs: jobs) }
            let baseline = ResidentMemory.current
            ResidentMemory.resetPeak()
            let started = ContinuousClock.now
            var ids: [JobID] = []
            for index in 0..<jobs {
                let request = VideoToTelegramRequest(url: url, chatId: .id(Int64(index + 1)), caption: "bench \(index)")
                ids.append(try await runtime.enqueue(JobRequest(type: VideoToTelegram.name, payload: try JSONEncoder().encode(request))).job.id)
            }
            for id in ids {
                let job = try await runtime.waitUntilFinished(id, pollEvery: .milliseconds(10))
                guard job.status == .completed else { throw ValidationError("job \(id) ended \(job.status.rawValue): \(job.error?.message ?? "")") }
            }
            let elapsed = ContinuousClock.now - started
            let peak = ResidentMemory.peak
            let budgetPeak = runtime.memory.stats.peak
            return (baseline, peak, budgetPeak, elapsed, timeline)
        }
        let stages = await timeline.value
        let growth = peak - baseline
        print(String(
            format: "telegram: %d videos, %d at once, %.1f s; per video: %@; budget peak %.0f MB; RSS growth %.0f MB = %.2f× the budget peak",
            jobs, concurrency, milliseconds(elapsed) / 1000, stages.summary, Double(budgetPeak) / 1e6, Double(growth) / 1e6,
            Double(growth) / Double(max(budgetPeak, 1))))
    }
}

/// When each job entered each stage, from its progress events: the mean time per stage.
struct StageTimeline {
    private var entered: [JobID: (stage: String, at: Date)] = [:]
    private var totals: [String: (seconds: Double, count: Int)] = [:]

    /// Follows events until `jobs` jobs have ended.
    static func follow(_ events: AsyncStream<JobEvent>, jobs: Int) async -> StageTimeline {
        var timeline = StageTimeline()
        var ended = 0
        for await event in events {
            switch event {
            case .progress(let update):
                guard let stage = update.progress.stage, timeline.entered[update.jobID]?.stage != stage else { continue }
                timeline.close(update.jobID, at: update.timestamp)
                timeline.entered[update.jobID] = (stage, update.timestamp)
            case .stateChanged(let change) where change.status.isTerminal:
                timeline.close(change.jobID, at: change.timestamp)
                ended += 1
                if ended == jobs { return timeline }
            default:
                continue
            }
        }
        return timeline
    }

    private mutating func close(_ id: JobID, at time: Date) {
        guard let (stage, start) = entered.removeValue(forKey: id) else { return }
        let total = totals[stage, default: (0, 0)]
        totals[stage] = (total.seconds + time.timeIntervalSince(start), total.count + 1)
    }

    var summary: String {
        ["download", "probe", "upload"].map { stage in
            let total = totals[stage, default: (0, 1)]
            return String(format: "%@ %.0f ms", stage, total.seconds * 1000 / Double(max(total.count, 1)))
        }.joined(separator: ", ")
    }
}
