import Conveyor
import ConveyorCurl
import ConveyorTesting
import ConveyorVideoDownload
import Crypto
import Foundation
import TestSupport
import Testing

/// Loopback is where the fixture server lives; downloads refuse it unless allowed, as here.
let loopbackAllowed = VideoDownloadConfiguration(destinations: .publicOnly(allowing: [try! AddressRange("127.0.0.1")]))

func sha256(_ bytes: [UInt8]) -> String { SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() }

func download(_ path: String, limits: MemoryLimits = MemoryLimits(), configuration: VideoDownloadConfiguration = loopbackAllowed)
    async throws -> HandlerTestRun<DownloadedVideo<String>>
{
    let server = try await FixtureServer.start()
    return await HandlerTester(memory: limits).run(DownloadVideo<String>(configuration: configuration), server.url(path))
}

/// The error a run failed with, as a `JobError`.
func jobError<T>(_ run: HandlerTestRun<T>) -> JobError? {
    guard case .failure(let error) = run.result else { return nil }
    return error as? JobError
}

@Suite("Video download: every way a server sends a body")
struct DownloadTests {
    @Test("Content-Length: the exact size is reserved once, bytes and hash match, progress reaches 100 %")
    func contentLength() async throws {
        let expected = try FixturePaths.mediaBytes("moov-at-end.mp4")
        let run = try await download("/files/moov-at-end.mp4")
        let video = try run.output()
        #expect(video.buffer.bytes() == expected)
        #expect(video.sha256 == sha256(expected))
        #expect(video.contentType == "video/mp4")
        #expect(run.peakMemory == expected.count)
        #expect(video.buffer.allocatedBytes == expected.count)
        #expect(run.memoryAfter == 0)
        #expect(run.progress.last?.percent == 100)
        #expect(run.progress.contains { $0.message == "Downloading 0.1/0.1 MB" })
    }

    @Test("hashing can be turned off for pipelines that never read the hash")
    func withoutHash() async throws {
        var configuration = loopbackAllowed
        configuration.computesSHA256 = false
        let video = try await download("/files/faststart.mp4", configuration: configuration).output()
        #expect(video.sha256 == nil)
        #expect(video.buffer.bytes() == (try FixturePaths.mediaBytes("faststart.mp4")))
    }

    @Test("chunked and close-delimited bodies grow in chunks and arrive whole", arguments: ["chunked", "close"])
    func unknownLength(kind: String) async throws {
        let expected = try FixturePaths.mediaBytes("moov-at-end.mp4")
        let run = try await download("/\(kind)/moov-at-end.mp4")
        let video = try run.output()
        #expect(video.buffer.bytes() == expected)
        #expect(video.sha256 == sha256(expected))
        #expect(run.peakMemory >= expected.count && run.peakMemory <= expected.count + MemoryBuffer.defaultChunkSize)
        #expect(run.memoryAfter == 0)
    }

    @Test("a large chunked body crosses many chunks with the right bytes")
    func manyChunks() async throws {
        let size = 5_300_000
        let run = try await download("/generate/\(size)?chunked=1")
        let video = try run.output()
        #expect(video.byteCount == size)
        #expect(video.sha256 == sha256((0..<size).map { UInt8($0 % 251) }))
        #expect(run.peakMemory <= size + MemoryBuffer.defaultChunkSize)
    }

    @Test("a slow server: progress moves in steps, in order")
    func slow() async throws {
        let run = try await download("/slow/moov-at-end.mp4?rate=20000", limits: MemoryLimits())
        _ = try run.output()
        let percents = run.progress.map(\.percent)
        #expect(percents.count >= 5)
        #expect(percents == percents.sorted())
    }

    @Test("a Content-Length larger than the body: the transfer fails retryably and holds nothing")
    func lyingLong() async throws {
        let run = try await download("/lying-long/faststart.mp4")
        let error = try #require(jobError(run))
        #expect(!error.isPermanent)
        #expect(error.message.contains("127.0.0.1"))
        #expect(run.memoryAfter == 0)
    }

    @Test("a Content-Length smaller than the body: exactly the announced bytes, never more memory")
    func lyingShort() async throws {
        let expected = try FixturePaths.mediaBytes("faststart.mp4")
        let run = try await download("/lying-short/faststart.mp4")
        let video = try run.output()
        #expect(video.buffer.bytes() == Array(expected.prefix(expected.count / 2)))
        #expect(run.peakMemory == expected.count / 2)
    }

    @Test("redirects are followed up to the limit")
    func redirects() async throws {
        let expected = try FixturePaths.mediaBytes("video.webm")
        #expect(try await download("/redirect/3/files/video.webm").output().buffer.bytes() == expected)
        let tooMany = try await download("/redirect/9/files/video.webm")
        let error = try #require(jobError(tooMany))
        #expect(error.isPermanent)
        #expect(error.message.contains("redirect"))
    }
}

@Suite("Video download: statuses, limits and refusals")
struct DownloadFailureTests {
    @Test("HTTP statuses: 404/410 and other 4xx are permanent, 5xx and 408 retryable",
          arguments: [(404, true), (410, true), (403, true), (400, true), (500, false), (503, false), (408, false)])
    func statuses(status: Int, permanent: Bool) async throws {
        let run = try await download("/status/\(status)")
        let error = try #require(jobError(run))
        #expect(error.isPermanent == permanent)
        #expect(error.message.contains("HTTP \(status)"))
        #expect(run.peakMemory == 0)
    }

    @Test("over the per-job cap with a Content-Length: permanent before the body is read, naming both sizes")
    func tooLargeAnnounced() async throws {
        let run = try await download("/files/moov-at-end.mp4", limits: MemoryLimits(maxTotal: 1_000_000, maxPerJob: 100_000))
        let error = try #require(jobError(run))
        #expect(error.isPermanent)
        #expect(error.message == "Video too large: 112.4 kB > 100 kB")
        #expect(run.peakMemory == 0)
    }

    @Test("over the per-job cap without a length: permanent once the cap is crossed, never over it")
    func tooLargeChunked() async throws {
        let run = try await download("/generate/3000000?chunked=1", limits: MemoryLimits(maxTotal: 4_000_000, maxPerJob: 1_500_000))
        let error = try #require(jobError(run))
        #expect(error.isPermanent)
        #expect(error.message.hasPrefix("Video too large: more than "))
        #expect(error.message.hasSuffix(" > 1.5 MB"))
        #expect(run.peakMemory <= 1_500_000)
        #expect(run.memoryAfter == 0)
    }

    @Test("loopback is refused by default, naming the address and how to allow it")
    func loopbackRefused() async throws {
        let run = try await download("/files/faststart.mp4", configuration: VideoDownloadConfiguration())
        let error = try #require(jobError(run))
        #expect(error.isPermanent)
        #expect(error.code == "destination_refused")
        #expect(error.message.contains("127.0.0.1 is a loopback address"))
        #expect(error.message.contains("CONVEYOR_ALLOW_PRIVATE_URLS"))
    }

    @Test("a redirect to a private or loopback address is refused even when the first host is allowed",
          arguments: ["http://10.1.2.3/video.mp4", "http://[::1]:9/video.mp4", "http://169.254.169.254/latest/meta-data/"])
    func redirectRefused(target: String) async throws {
        let query = target.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let run = try await download("/redirect-to?url=\(query)")
        let error = try #require(jobError(run))
        #expect(error.code == "destination_refused")
        #expect(error.isPermanent)
    }

    @Test("only http and https, also after a redirect", arguments: ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/"])
    func schemes(url: String) async throws {
        let direct = await HandlerTester().run(DownloadVideo<String>(configuration: loopbackAllowed), url)
        #expect(jobError(direct)?.message.contains("payload.url") == true)
        let query = url.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let redirected = try await download("/redirect-to?url=\(query)")
        #expect(jobError(redirected)?.isPermanent == true)
    }

    @Test("credentials and query values never appear in errors")
    func redaction() async throws {
        let server = try await FixtureServer.start()
        let url = "http://user:hunter2@127.0.0.1:\(server.port)/status/404?token=s3cret"
        let run = await HandlerTester().run(DownloadVideo<String>(configuration: loopbackAllowed), url)
        let message = try #require(jobError(run)).message
        #expect(!message.contains("hunter2") && !message.contains("s3cret"))
        #expect(message.contains("127.0.0.1"))
    }

    @Test("an unreachable server is retryable")
    func unreachable() async throws {
        let run = await HandlerTester().run(DownloadVideo<String>(configuration: loopbackAllowed), "http://127.0.0.1:9/video.mp4")
        let error = try #require(jobError(run))
        #expect(!error.isPermanent)
    }
}
