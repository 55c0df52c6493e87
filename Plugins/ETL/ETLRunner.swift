import Conveyor
import ConveyorPostgresConnection
import Foundation
import Synchronization

/// One `etl` request from source to destination: batches read and transformed on one thread and
/// written on another (parsing and SQLite are blocking work, and overlap), three batches of memory
/// reserved from the budget for the whole run, cancellation checked between batches.
struct ETLRunner {
    let request: ETLRequest
    let configuration: ETLConfiguration

    /// Set when the job's task is cancelled; the reading loop stops at the next batch.
    private final class StopFlag: Sendable {
        let stopped = Mutex(false)
    }

    func run(context: JobContext) async throws -> ETLResult {
        // A batch being read, one waiting and one being written.
        let reservation = try await context.memory.reserve(3 * configuration.batchBytes, label: "ETL batches")
        defer { reservation.release() }
        context.progress(0, "Opening the source")
        var downloaded: DownloadedFile?
        defer { downloaded?.remove() }
        let source: any RowSource
        do {
            switch request.source {
            case .csv(let location, let delimiter):
                source = CSVFileSource(file: try await file(location, fetched: &downloaded), delimiter: delimiter)
            case .jsonl(let location):
                source = JSONLinesSource(file: try await file(location, fetched: &downloaded))
            case .sql(let store, let query) where PostgresStoreOptions.isPostgresURL(store):
                _ = try configuration.requireDirectory()
                source = PostgresQuerySource(options: try configuration.postgres(store, field: "source.store"), query: query, logger: context.logger)
            case .sql(let store, let query):
                source = SQLiteQuerySource(file: try configuration.resolve(String(store.dropFirst("sqlite:".count)), field: "source.store"), query: query)
            }
        } catch let failure as ETLFailure {
            throw failure.jobError
        }
        let flag = StopFlag()
        let result: Result<ETLResult, any Error> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                ETLThread.start {
                    continuation.resume(returning: Result { try load(from: source, context: context) { flag.stopped.withLock { $0 } } })
                }
            }
        } onCancel: {
            flag.stopped.withLock { $0 = true }
        }
        do {
            // A load that reached its end stands even if the cancel came during its last step.
            return try result.get()
        } catch let failure as ETLFailure {
            throw failure.jobError
        }
    }

    /// A local file inside the ETL directory, opened, or a URL fetched into a temporary file.
    private func file(_ location: ETLSource.Location, fetched: inout DownloadedFile?) async throws -> SourceFile {
        switch location {
        case .path(let path):
            let confined = try configuration.resolve(path, field: "source.path")
            return SourceFile(handle: try confined.openForReading(), name: confined.path)
        case .url(let url):
            _ = try configuration.requireDirectory()
            let downloaded = try await DownloadedFile.fetch(url, destinations: configuration.destinations)
            fetched = downloaded
            guard let handle = FileHandle(forReadingAtPath: downloaded.path) else {
                throw ETLFailure.system(errno, "source.url: cannot open the downloaded copy")
            }
            return SourceFile(handle: handle, name: downloaded.path)
        }
    }

    private func makeSink(context: JobContext) throws -> any RowSink {
        switch request.destination {
        case .postgres(let url, let table, let mode, let key):
            _ = try configuration.requireDirectory()
            return try PostgresTableSink(
                options: try configuration.postgres(url, field: "destination.url"), table: table, mode: mode, key: key, logger: context.logger)
        case .sqlite(let path, let table, let mode, let key):
            return try SQLiteTableSink(file: try configuration.resolve(path, field: "destination.path"), table: table, mode: mode, key: key)
        case .csv(let path):
            return try FileSink(file: try configuration.resolve(path, field: "destination.path"), format: .csv)
        case .jsonl(let path):
            return try FileSink(file: try configuration.resolve(path, field: "destination.path"), format: .jsonl)
        }
    }

    /// Reads and transforms on this thread while a `BatchWriter` writes on another.
    private func load(from source: any RowSource, context: JobContext, stopped: () -> Bool) throws -> ETLResult {
        let writer = BatchWriter(sink: try makeSink(context: context), maxOutput: configuration.maxOutput)
        let pipe = BatchPipe(capacity: 1)
        writer.start(pipe, context: context)
        var result = ETLResult(rowsRead: 0, rowsWritten: 0, rowsRejected: 0, rowsFiltered: 0, rejectSamples: [])
        var chain: TransformChain?
        var chainInput: [String] = []
        func reject(_ rejection: ETLResult.Rejection) {
            result.rowsRejected += 1
            if result.rejectSamples.count < 100 { result.rejectSamples.append(rejection) }
        }
        do {
            try source.read(rows: configuration.batchRows, bytes: configuration.batchBytes, shouldStop: stopped) { batch in
                result.rowsRead += batch.rows.count + batch.rejected.count
                batch.rejected.forEach(reject)
                if chain == nil || chainInput != batch.columns {
                    chain = try TransformChain(request.transform, input: batch.columns)
                    chainInput = batch.columns
                }
                var kept: [[ETLValue]] = []
                kept.reserveCapacity(batch.rows.count)
                for (number, values) in batch.rows {
                    switch chain?.apply(values) {
                    case .keep(let row)?: kept.append(row)
                    case .reject(let reason)?: reject(.init(row: number, reason: reason))
                    case .filtered?, nil: result.rowsFiltered += 1
                    }
                }
                result.rowsWritten += kept.count
                guard !batch.columns.isEmpty else { return }
                let message = "Loaded \(result.rowsWritten) rows" + (result.rowsRejected > 0 ? ", rejected \(result.rowsRejected)" : "")
                try pipe.put(.init(columns: chain?.columns ?? batch.columns, rows: kept, fraction: batch.fraction, message: message))
            }
            pipe.close()
        } catch {
            pipe.fail(error)
            writer.wait()
            writer.sink.abandon()
            throw error
        }
        writer.wait()
        if let failure = pipe.writerFailure {
            writer.sink.abandon()
            throw failure
        }
        if stopped() {
            writer.sink.abandon()
            throw CancellationError()
        }
        do {
            try writer.sink.finish()
        } catch {
            writer.sink.abandon()
            throw error
        }
        return result
    }
}
