import Conveyor
import Foundation

/// The writing side of a load: takes batches from the pipe on a thread of its own and writes
/// them to the sink, reporting progress as rows land.
///
/// `@unchecked Sendable`: the sink is used only by the writer thread until `finished` is
/// signalled, and only by the caller after it has waited for that signal.
final class BatchWriter: @unchecked Sendable {
    var sink: any RowSink
    private let finished = DispatchSemaphore(value: 0)

    init(sink: any RowSink) {
        self.sink = sink
    }

    func start(_ pipe: BatchPipe, context: JobContext) {
        ETLThread.start {
            do {
                while let item = pipe.take() {
                    try self.sink.write(columns: item.columns, rows: item.rows)
                    context.progress(item.fraction ?? 0, item.message)
                }
            } catch {
                pipe.fail(error)
            }
            self.finished.signal()
        }
    }

    /// Waits until the writer thread has written everything or stopped.
    func wait() { finished.wait() }
}
