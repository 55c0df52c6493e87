import Dispatch
import Foundation

/// Ctrl-C while a command follows a job: the bar's line is ended, the user told the job goes on
/// without them, and the command exits 130 (128 + SIGINT), as shells expect of an interrupted
/// program.
final class Interruption {
    private let source: any DispatchSourceSignal

    convenience init(jobID: String, before: @escaping @Sendable () -> Void) {
        self.init(saying: "Interrupted; job \(jobID) goes on (conveyor status \(jobID) --watch)", before: before)
    }

    /// `saying`: what the user is told goes on without them, and how to follow it again.
    init(saying notice: String, before: @escaping @Sendable () -> Void) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            before()
            FileHandle.standardError.write(Data((notice + "\n").utf8))
            exit(130)
        }
        source.resume()
    }

    func stop() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
