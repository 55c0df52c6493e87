import ArgumentParser
import BenchSupport
import Conveyor
import ConveyorCurl
import ConveyorMediaProbe
import ConveyorVideoDownload
import Foundation

/// Measures the media plugins against the tools people would otherwise use: `curl` for
/// downloads, `ffprobe` for probing, and the process's RSS against the memory budget.
@main
struct MediaBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "media-bench", abstract: "Benchmarks for VideoDownload, MediaProbe and the video-to-telegram pipeline.",
        subcommands: [Probe.self, Download.self, Memory.self, TelegramPipeline.self])
}

/// Loads a file into a budgeted buffer, as a download would leave it.
func load(_ path: String, budget: MemoryBudget = MemoryBudget()) async throws -> MemoryBuffer {
    let buffer = try await budget.makeBuffer(label: "Video")
    try await buffer.append(contentsOf: try Data(contentsOf: URL(fileURLWithPath: path)))
    return buffer
}

/// Runs a program to the end with its output discarded; returns its exit status.
@discardableResult
func spawn(_ arguments: [String]) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
}

func milliseconds(_ duration: Duration) -> Double { Double(duration.components.attoseconds) / 1e15 + Double(duration.components.seconds) * 1000 }

/// `probe FILE...`: MediaProbe from memory vs spawning `ffprobe` on the same file.
struct Probe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Probe files from memory (and compare with ffprobe).")
    @Argument var files: [String]
    @Option var iterations = 1
    @Flag(help: "Also time `ffprobe -show_format -show_streams` on each file.") var compare = false

    func run() async throws {
        let clock = ContinuousClock()
        for file in files {
            let buffer = try await load(file)
            var info: MediaInfo?
            var failure: String?
            let elapsed = try await clock.measure {
                for _ in 0..<iterations {
                    do {
                        info = try await MediaProber().probe(buffer).0
                    } catch let error as JobError {
                        failure = error.message
                    }
                }
            }
            let ours = milliseconds(elapsed) / Double(iterations)
            var line = String(format: "%@: %.2f ms per probe", (file as NSString).lastPathComponent, ours)
            if let info { line += " (\(info.format) \(info.width ?? 0)x\(info.height ?? 0) \(info.videoCodec ?? "-"))" }
            if let failure { line += " (\(failure))" }
            if compare {
                let spawned = try clock.measure {
                    for _ in 0..<iterations { try spawn(["ffprobe", "-v", "error", "-show_format", "-show_streams", file]) }
                }
                let theirs = milliseconds(spawned) / Double(iterations)
                line += String(format: "; ffprobe %.2f ms; %.1f× faster", theirs, theirs / ours)
            }
            print(line)
        }
    }
}

/// `download URL`: the download stage's throughput vs `curl -o /dev/null`.
struct Download: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Download a URL into memory (and compare with curl).")
    @Argument var url: String
    @Option var iterations = 5
    @Flag(help: "Also time `curl -s -o /dev/null URL`.") var compare = false
    @Flag(help: "Skip the SHA-256 (as pipelines that never read it do).") var noHash = false

    func run() async throws {
        let clock = ContinuousClock()
        let stage = DownloadVideo<String>(configuration: VideoDownloadConfiguration(destinations: .any, computesSHA256: !noHash))
        let limits = MemoryLimits(maxTotal: 4_000_000_000, maxPerJob: 4_000_000_000)
        var bytes = 0
        var best = Duration.seconds(1000)
        for _ in 0..<iterations {
            let run = try await clock.measure { bytes = try await runStage(stage, url, limits: limits) }
            best = min(best, run)
        }
        let ours = Double(bytes) / 1e6 / (milliseconds(best) / 1000)
        var line = String(format: "download%@: %.1f MB in %.0f ms, %.0f MB/s (best of %d)", noHash ? " (no hash)" : " (SHA-256)", Double(bytes) / 1e6, milliseconds(best), ours, iterations)
        if compare {
            var fastest = Duration.seconds(1000)
            for _ in 0..<iterations { fastest = min(fastest, try clock.measure { try spawn(["curl", "-s", "-o", "/dev/null", url]) }) }
            let theirs = Double(bytes) / 1e6 / (milliseconds(fastest) / 1000)
            line += String(format: "; curl %.0f MB/s; ratio %.2f", theirs, ours / theirs)
        }
        print(line)
    }
}

/// `memory URL --jobs N`: N downloads at once through one runtime and budget; peak RSS growth
/// against the budget.
struct Memory: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Peak RSS while downloads totalling a multiple of the budget run.")
    @Argument var url: String
    @Option var jobs = 12
    @Option(help: "Total budget in bytes.") var budget = 200_000_000
    @Option(help: "Per-job cap in bytes.") var perJob = 50_000_000

    func run() async throws {
        let limits = MemoryLimits(maxTotal: budget, maxPerJob: perJob, maxWait: .seconds(600))
        let configuration = RuntimeConfiguration(concurrency: jobs, pollInterval: .milliseconds(10), memory: limits)
        let runtime = try ConveyorRuntime(
            store: MemoryJobStore(), plugins: [VideoDownloadPlugin(configuration: VideoDownloadConfiguration(destinations: .any))],
            configuration: configuration)
        let (baseline, peak, total, elapsed) = try await runtime.withRunning {
            let baseline = ResidentMemory.current
            ResidentMemory.resetPeak()
            let started = ContinuousClock.now
            var ids: [JobID] = []
            for _ in 0..<jobs {
                let payload = try JSONEncoder().encode(VideoDownloadHandler.Input(url: url))
                ids.append(try await runtime.enqueue(JobRequest(type: "video-download", payload: payload)).job.id)
            }
            var total = 0
            for id in ids {
                let job = try await runtime.waitUntilFinished(id, pollEvery: .milliseconds(20))
                guard job.status == .completed, let result = job.result else {
                    throw ValidationError("job \(id) ended \(job.status.rawValue): \(job.error?.message ?? "")")
                }
                total += try JSONDecoder().decode(VideoDownloadHandler.Output.self, from: result).bytes
            }
            let elapsed = ContinuousClock.now - started
            let peak = ResidentMemory.peak
            return (baseline, peak, total, elapsed)
        }
        let growth = peak - baseline
        print(String(
            format: "memory: %d downloads, %.0f MB total through a %.0f MB budget (%.1f×) in %.1f s; budget peak %.0f MB; RSS %.0f → %.0f MB, growth %.0f MB = %.2f× the budget",
            jobs, Double(total) / 1e6, Double(budget) / 1e6, Double(total) / Double(budget), milliseconds(elapsed) / 1000,
            Double(runtime.memory.stats.peak) / 1e6, Double(baseline) / 1e6, Double(peak) / 1e6, Double(growth) / 1e6,
            Double(growth) / Double(budget)))
    }
}
