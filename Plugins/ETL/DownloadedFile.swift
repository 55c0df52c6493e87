import Conveyor
import ConveyorCurl
import Foundation

/// A URL source fetched into a temporary file (not memory: a source can be larger than the
/// budget), removed when the job ends.
struct DownloadedFile {
    let path: String

    static func fetch(_ url: String, destinations: DestinationPolicy) async throws -> DownloadedFile {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("conveyor-etl-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw ETLFailure("source: cannot create a temporary file")
        }
        let sink = FileBodySink(handle: handle)
        var request = CurlRequest(url: url)
        request.destinations = destinations
        do {
            let response = try await CurlClient().perform(request, into: sink)
            try handle.close()
            guard response.isSuccess else {
                try? FileManager.default.removeItem(atPath: path)
                let message = "source.url: \(request.redactedURL) answered HTTP \(response.status)"
                throw (500..<600).contains(response.status) || response.status == 429
                    ? JobError.retryable(message, code: "etl_source_unavailable") : JobError.permanent(message, code: "etl_source_refused")
            }
            if let failure = sink.failure { throw ETLFailure("source: writing the temporary file failed: \(failure)") }
        } catch let error as CurlError {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: path)
            throw error.isRetryable ? JobError.retryable("source.url: \(error.message)", code: "etl_source_unavailable")
                : JobError.permanent("source.url: \(error.message)", code: "etl_source_refused")
        }
        return DownloadedFile(path: path)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
