import CSV
import Foundation

/// CSV through yaslab/CSV.swift: quoted fields, embedded newlines, CRLF and a UTF-8 BOM. The
/// first row names the columns; empty fields are null; a row with a different number of fields
/// is rejected with its number.
struct CSVFileSource: RowSource {
    let path: String
    let delimiter: Character

    func read(rows limit: Int, bytes: Int, shouldStop: () -> Bool, _ body: (RowBatch) throws -> Void) throws {
        guard let stream = InputStream(fileAtPath: path) else { throw ETLFailure("source: cannot open \(path)") }
        let lines = max(1, try Self.countLines(path) - 1)
        let reader: CSVReader
        do {
            reader = try CSVReader(stream: stream, hasHeaderRow: true, delimiter: delimiter.unicodeScalars.first ?? ",")
        } catch {
            throw ETLFailure("source: the CSV has no header row (\(error))")
        }
        let header = reader.headerRow ?? []
        guard !header.isEmpty, Set(header).count == header.count else {
            throw ETLFailure("source: the CSV header must name each column once (\(header.joined(separator: ", ")))")
        }
        var batch = RowBatch(columns: header)
        var held = 0
        var number = 0
        while let fields = reader.next() {
            number += 1
            if fields.count != header.count {
                batch.rejected.append(.init(row: number, reason: "has \(fields.count) fields; the header has \(header.count)"))
            } else {
                let values = fields.map { $0.isEmpty ? ETLValue.null : .text($0) }
                held += estimatedBytes(values)
                batch.rows.append((number, values))
            }
            if batch.rows.count >= limit || held >= bytes {
                batch.fraction = min(1, Double(number) / Double(lines))
                try body(batch)
                if shouldStop() { return }
                batch = RowBatch(columns: header)
                held = 0
            }
        }
        // CSV.swift reports reaching the end of a file stream as `cannotReadFile`; only a stream
        // that did not reach its end failed.
        if let error = reader.error, stream.streamStatus != .atEnd {
            throw ETLFailure("source: the CSV cannot be read after row \(number): \(error)")
        }
        batch.fraction = 1
        try body(batch)
    }

    /// Newlines in the file: an upper bound on its rows, for progress before the end is known.
    static func countLines(_ path: String) throws -> Int {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ETLFailure("source: cannot open \(path)") }
        defer { try? handle.close() }
        var count = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            count += chunk.withUnsafeBytes { bytes in bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
        }
        return count
    }
}
