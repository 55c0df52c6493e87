import ConveyorCurl
import Foundation
import Synchronization

/// Writes a response body to a file as it arrives; error pages are not written.
final class FileBodySink: CurlBodySink {
    private let handle: FileHandle
    private let state = Mutex<(success: Bool, failure: String?)>((true, nil))

    init(handle: FileHandle) {
        self.handle = handle
    }

    var failure: String? { state.withLock { $0.failure } }

    func begin(_ head: CurlResponseHead) throws {
        state.withLock { $0.success = (200..<300).contains(head.status) }
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard state.withLock({ $0.success && $0.failure == nil }) else { return true }
        do { try handle.write(contentsOf: Data(bytes)) } catch { state.withLock { $0.failure = "\(error)" } }
        return true
    }

    func makeRoom(for byteCount: Int) async throws {}
}
