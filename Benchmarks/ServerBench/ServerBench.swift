import ArgumentParser
import BenchSupport
import Conveyor
import ConveyorServer
import Foundation
import HummingbirdWSClient
import Logging
import ServiceLifecycle
import Synchronization

/// Server benchmarks wrk cannot do: progress latency from a handler to a WebSocket client, and
/// what idle WebSocket connections cost a running server. (HTTP enqueue latency: `make bench-server` runs wrk.)
@main
struct ServerBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server-bench", abstract: "WebSocket benchmarks for conveyor serve.", subcommands: [Progress.self, Idle.self])
}

extension ServerBench {
    /// Jobs report progress every `interval`; one WebSocket client subscribed to all of them
    /// records, for each event, the time from the handler's report to its arrival.
    struct Progress: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Latency from context.progress(...) to a WebSocket client.")
        @Option(help: "Jobs reporting at once.") var jobs = 50
        @Option(help: "Reports per job.") var reports = 40
        @Option(help: "Milliseconds between a job's reports (the runtime sends at most 10 a second per job).") var interval = 110

        func run() async throws {
            var logger = Logger(label: "server-bench")
            logger.logLevel = .error
            let metrics = ConveyorMetrics()
            let runtime = try ConveyorRuntime(
                store: MemoryJobStore(), plugins: [TickPlugin()], configuration: RuntimeConfiguration(concurrency: jobs), middleware: [metrics.jobs],
                logger: logger)
            let secret = TokenAuthority.randomSecret()
            let tokens = try await TokenAuthority(secret: secret)
            let server = try ConveyorServer(
                runtime: runtime, tokens: tokens, configuration: ServerConfiguration(port: 0), metrics: metrics, logger: logger)
            let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
            let group = ServiceGroup(configuration: .init(
                services: server.services(runWorkers: true) { channel in
                    portContinuation.yield(channel.localAddress?.port ?? 0)
                    portContinuation.finish()
                }.map { .init(service: $0) }, logger: logger))
            let serverTask = Task { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw ValidationError("the server did not start") }

            let token = try await tokens.token(user: "bench", admin: true, ttl: .seconds(3600))
            var ids: [String] = []
            for _ in 0..<jobs {
                let payload = try JSONEncoder().encode(TickHandler.Input(reports: reports, intervalMs: interval))
                let result = try await runtime.enqueue(JobRequest(type: TickHandler.name, payload: payload, options: EnqueueOptions(delay: .seconds(2))))
                ids.append(result.job.id.description)
            }
            let latencies = Mutex<[Double]>([])
            let subscriptions = ids
            let expected = jobs
            _ = try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/ws?token=\(token)", logger: logger) { inbound, outbound, _ in
                for id in subscriptions { try await outbound.write(.text(#"{"type":"subscribe","topic":"job","jobId":"\#(id)"}"#)) }
                var finished = 0
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    let arrived = Date().timeIntervalSince1970
                    guard case .text(let text) = message, let data = text.data(using: .utf8),
                        let event = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
                    else { continue }
                    if event["type"] as? String == "job:progress", let sent = (event["message"] as? String).flatMap(Double.init) {
                        latencies.withLock { $0.append((arrived - sent) * 1000) }
                    } else if event["type"] as? String == "job:finished" {
                        finished += 1
                        if finished == expected { break }
                    }
                }
                try await outbound.close(.normalClosure, reason: nil)
            }
            await group.triggerGracefulShutdown()
            try await serverTask.value
            let sorted = latencies.withLock { $0 }.sorted()
            guard !sorted.isEmpty else { throw ValidationError("no progress events arrived") }
            func percentile(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
            print(String(format: "progress → WebSocket: %d events from %d jobs; p50 %.2f ms, p99 %.2f ms, max %.2f ms",
                sorted.count, jobs, percentile(0.5), percentile(0.99), sorted.last!))
        }
    }

    /// What the idle clients share: how many are open, and when to let go.
    final class IdleState: Sendable {
        let opened = Atomic<Int>(0)
        let released = Atomic<Bool>(false)
    }

    /// Opens `clients` authenticated WebSocket connections to a running server and reports how
    /// much its resident memory grew while they sat idle.
    struct Idle: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Server RSS cost of idle WebSocket clients.")
        @Option(help: "The server's ws:// URL with ?token=.") var url: String
        @Option(help: "The server's process id (its RSS is read from /proc).") var pid: Int32
        @Option(help: "Connections to open.") var clients = 1000
        @Option(help: "Seconds to hold them before measuring.") var hold = 5

        func run() async throws {
            raiseFileLimit()
            var logger = Logger(label: "server-bench")
            logger.logLevel = .critical
            let before = ResidentMemory.current(of: pid)
            let state = IdleState()
            let (url, clients, quiet) = (url, clients, logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<clients {
                    group.addTask {
                        _ = try await WebSocketClient.connect(url: url, logger: quiet) { _, outbound, _ in
                            state.opened.add(1, ordering: .relaxed)
                            while !state.released.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(100)) }
                            try await outbound.close(.normalClosure, reason: nil)
                        }
                    }
                }
                let deadline = ContinuousClock.now + .seconds(60)
                while state.opened.load(ordering: .relaxed) < clients, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
                try await Task.sleep(for: .seconds(hold))
                let after = ResidentMemory.current(of: pid)
                let count = state.opened.load(ordering: .relaxed)
                print(String(format: "%d idle WebSocket clients: server RSS %.1f MB → %.1f MB (+%.1f MB, %.1f KB each)",
                    count, Double(before) / 1e6, Double(after) / 1e6, Double(after - before) / 1e6, Double(after - before) / Double(max(count, 1)) / 1e3))
                state.released.store(true, ordering: .relaxed)
                try await group.waitForAll()
            }
        }

        private func raiseFileLimit() {
            var limit = rlimit()
            getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
            limit.rlim_cur = limit.rlim_max
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
    }
}
