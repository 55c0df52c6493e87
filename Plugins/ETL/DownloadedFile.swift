import Conveyor
import ConveyorCurl
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A URL source fetched into a temporary file (not memory: a source can be larger than the
/// budget), removed when the job ends.
struct DownloadedFile {
    let path: String

    static func fetch(_ url: String, destinations: DestinationPolicy) async throws -> DownloadedFile {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("conveyor-etl-\(UUID().uuidString)").path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw ETLFailure.system(errno, "source: cannot create a temporary file") }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: false)
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
            // Writing a local temporary file fails when the disk is full: worth another try later.
            if let failure = sink.failure { throw ETLFailure("source: writing the temporary file failed: \(failure)", isPermanent: false) }
        } catch let error as CurlError {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: path)
            throw error.isPermanent ? JobError.permanent("source.url: \(error.message)", code: "etl_source_refused")
                : JobError.retryable("source.url: \(error.message)", code: "etl_source_unavailable")
        }
        return DownloadedFile(path: path)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
