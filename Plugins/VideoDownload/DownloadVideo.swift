public import Conveyor
import ConveyorCurl
import Foundation

/// The pipeline stage that downloads a video into memory under the job's budget.
///
/// Only `http` and `https`; destinations are checked against the configuration's policy on
/// every connection. Retryable: 5xx, 408, 429 and network failures. Permanent: 404/410 and other
/// 4xx, a refused destination, a bad URL, and a video over the per-job memory cap ("Video too
/// large: 73.4 MB > 50 MB"), which fails before the body is read when the length is announced.
public struct DownloadVideo<Request: VideoSource>: Stage {
    public let name = "download"
    public let weight: Double
    private let configuration: VideoDownloadConfiguration

    public init(configuration: VideoDownloadConfiguration = VideoDownloadConfiguration(), weight: Double = 70) {
        self.configuration = configuration
        self.weight = weight
    }

    public func run(_ request: Request, context: JobContext) async throws -> DownloadedVideo<Request> {
        let url = request.url
        try Self.validate(url)
        var transfer = CurlRequest(url: url)
        transfer.destinations = configuration.destinations
        transfer.maxRedirects = configuration.maxRedirects
        transfer.connectTimeout = configuration.connectTimeout
        transfer.lowSpeedTime = configuration.stallTimeout
        let shown = transfer.redactedURL

        context.progress(0, "Downloading")
        let sink = VideoSink(
            buffer: try await context.memory.makeBuffer(label: "Video"), context: context, hashing: configuration.computesSHA256,
            maxBytes: configuration.maxBytes)
        let response: CurlResponse
        do {
            response = try await CurlClient().perform(transfer, into: sink)
        } catch let error as CurlError {
            throw error.isPermanent
                ? JobError.permanent(error.message, code: error.code == "destination_refused" ? "destination_refused" : "download_failed")
                : JobError.retryable(error.message, code: "download_failed")
        }
        try Self.check(response, url: shown)
        guard sink.buffer.count > 0 else { throw JobError.permanent("\(shown): the server sent an empty body", code: "empty_download") }
        context.progress(1, String(format: "Downloaded %.1f MB", Double(sink.buffer.count) / 1e6))
        context.logger.debug("Downloaded video", metadata: ["url": .string(shown), "bytes": .stringConvertible(sink.buffer.count)])
        return DownloadedVideo(request: request, buffer: sink.buffer, contentType: sink.contentType, sha256: sink.sha256, sourceURL: shown)
    }

    /// `payload.url` must be an absolute http(s) URL with a host.
    static func validate(_ url: String) throws {
        if let problem = FetchableURL.problem(with: url) { throw JobError.permanent("payload.url: \(problem)", code: "invalid_payload") }
    }

    private static func check(_ response: CurlResponse, url: String) throws {
        let status = response.status
        switch status {
        case 200..<300:
            return
        case 404, 410:
            throw JobError.permanent("\(url): not found (HTTP \(status))", code: "download_not_found")
        case 429:
            let wait = response.header("Retry-After").flatMap(Int.init).map { Duration.seconds($0) }
            if let wait { throw JobError.runAgain(after: wait, reason: "\(url): rate limited (HTTP 429)") }
            throw JobError.retryable("\(url): rate limited (HTTP 429)", code: "download_failed")
        case 408, 500..<600:
            throw JobError.retryable("\(url): server error (HTTP \(status))", code: "download_failed")
        default:
            throw JobError.permanent("\(url): refused by the server (HTTP \(status))", code: "download_refused")
        }
    }
}
