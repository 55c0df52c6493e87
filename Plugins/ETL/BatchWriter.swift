import Conveyor
import Foundation

/// The writing side of a load: takes batches from the pipe on a thread of its own and writes
/// them to the sink, reporting progress as rows land.
///
/// `@unchecked Sendable`: the sink is used only by the writer thread until `finished` is
/// signalled, and only by the caller after it has waited for that signal.
final class BatchWriter: @unchecked Sendable {
    var sink: any RowSink
    private let maxOutput: Int
    private let finished = DispatchSemaphore(value: 0)

    /// `maxOutput`: the most bytes (as rows hold them) the job may write before it fails.
    init(sink: any RowSink, maxOutput: Int) {
        self.sink = sink
        self.maxOutput = maxOutput
    }

    func start(_ pipe: BatchPipe, context: JobContext) {
        ETLThread.start {
            do {
                var written = 0
                while let item = pipe.take() {
                    written += item.rows.reduce(0) { $0 + BatchBuilder.estimatedBytes($1) }
                    guard written <= self.maxOutput else {
                        throw ETLFailure(
                            "destination: the job would write more than \(ByteCount.format(self.maxOutput)), the most one etl job may write (CONVEYOR_ETL_MAX_OUTPUT)")
                    }
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
