import CCurl
import Foundation
import Synchronization

/// One thread driving libcurl's multi interface for every transfer of the process: idle
/// transfers cost a socket, not a blocked thread. Other threads talk to it only through
/// `inbox` and `curl_multi_wakeup`; libcurl objects are touched only on its thread.
///
/// Safe to send: `multi` is only used by the engine thread, except `curl_multi_wakeup`, which
/// libcurl documents as callable from any thread.
final class CurlEngine: @unchecked Sendable {
    static let shared = CurlEngine()

    private enum Command {
        case add(CurlTransfer)
        case resume(CurlTransfer)
        case fail(CurlTransfer, any Error)
        case cancel(CurlTransfer)
    }

    /// `nil` only if libcurl could not allocate it; every transfer then fails with a clear error.
    private let multi: UnsafeMutableRawPointer?
    private let inbox = Mutex<[Command]>([])

    private init() {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        multi = curl_multi_init()
        let thread = Thread { [self] in run() }
        thread.name = "conveyor-curl"
        if multi != nil { thread.start() }
    }

    func add(_ transfer: CurlTransfer) {
        guard multi != nil else {
            transfer.cleanUp()
            transfer.events.yield(.finished(.failure(CurlError(
                code: "curl_init_failed", message: "libcurl could not start its transfer engine", isPermanent: false))))
            transfer.events.finish()
            return
        }
        send(.add(transfer))
    }
    /// Unpauses a transfer whose sink has made room.
    func resume(_ transfer: CurlTransfer) { send(.resume(transfer)) }
    /// Ends a transfer with the error its sink threw.
    func fail(_ transfer: CurlTransfer, with error: any Error) { send(.fail(transfer, error)) }
    func cancel(_ transfer: CurlTransfer) { send(.cancel(transfer)) }

    private func send(_ command: Command) {
        inbox.withLock { $0.append(command) }
        curl_multi_wakeup(multi)
    }

    private func run() {
        guard let multi else { return }
        // Transfers in the multi handle, by easy handle; owned by this thread alone.
        var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]

        func finish(_ transfer: CurlTransfer, _ result: Result<CurlResponse, any Error>) {
            curl_multi_remove_handle(multi, transfer.easy)
            active[transfer.easy] = nil
            transfer.cleanUp()
            transfer.events.yield(.finished(result))
            transfer.events.finish()
        }

        while true {
            for command in inbox.withLock({ commands in defer { commands = [] }; return commands }) {
                switch command {
                case .add(let transfer):
                    if transfer.cancelRequested.withLock({ $0 }) {
                        transfer.cleanUp()
                        transfer.events.yield(.finished(.failure(CancellationError())))
                        transfer.events.finish()
                    } else {
                        active[transfer.easy] = transfer
                        curl_multi_add_handle(multi, transfer.easy)
                    }
                case .resume(let transfer):
                    if active[transfer.easy] != nil { curl_easy_pause(transfer.easy, CURLPAUSE_CONT) }
                case .fail(let transfer, let error):
                    if active[transfer.easy] != nil { finish(transfer, .failure(error)) }
                case .cancel(let transfer):
                    if active[transfer.easy] != nil { finish(transfer, .failure(CancellationError())) }
                }
            }

            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            var queued: Int32 = 0
            while let message = curl_multi_info_read(multi, &queued) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                    let transfer = active[easy]
                else { continue }
                finish(transfer, transfer.outcome(ccurl_message_result(message)))
            }
            curl_multi_poll(multi, nil, 0, 1000, nil)
        }
    }
}
