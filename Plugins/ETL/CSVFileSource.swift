import CSV
import Foundation

/// CSV parsed by yaslab/CSV.swift: quoted fields, embedded newlines, CRLF and a UTF-8 BOM. The
/// first row names the columns; empty fields are null; a row with a different number of fields
/// is rejected with its number.
///
/// The file is read in blocks cut at record boundaries — a newline outside quotes, found by
/// counting quotes (escaped quotes come in pairs, so the count's parity says whether a newline is
/// inside a field) — and each block is parsed from a string, which CSV.swift does several times
/// faster than from a stream; memory stays at about one block.
struct CSVFileSource: RowSource {
    let file: SourceFile
    let delimiter: Character
    var blockSize = 4 << 20

    func read(rows limit: Int, bytes: Int, shouldStop: () -> Bool, _ body: (RowBatch) throws -> Void) throws {
        let handle = file.handle
        defer { try? handle.close() }
        let size = file.size
        let separator = delimiter.unicodeScalars.first ?? ","
        var header: [String]?
        var builder = BatchBuilder(columns: [], rows: limit, bytes: bytes)
        var number = 0
        var consumed = 0
        var pending: [UInt8] = []
        var scanned = 0
        var inQuotes = false
        var boundary = 0  // end of the last complete record in `pending`

        /// Parses one block; `false` once `shouldStop` says to stop.
        func parse(_ block: ArraySlice<UInt8>) throws -> Bool {
            var text = String(decoding: block, as: UTF8.self)
            if header == nil, text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
            guard !text.isEmpty else { return true }
            let reader: CSVReader
            do {
                reader = try CSVReader(string: text, hasHeaderRow: header == nil, delimiter: separator)
            } catch {
                throw ETLFailure("source: the CSV has no header row (\(error))")
            }
            if header == nil {
                let names = reader.headerRow ?? []
                guard !names.isEmpty, Set(names).count == names.count else {
                    throw ETLFailure("source: the CSV header must name each column once (\(names.joined(separator: ", ")))")
                }
                header = names
                builder.columns = names
            }
            let columns = header ?? []
            while let fields = reader.next() {
                number += 1
                if fields.count != columns.count {
                    if fields.count == 1 && fields[0].isEmpty { number -= 1; continue }  // a blank line
                    builder.reject(.init(row: number, reason: "has \(fields.count) fields; the header has \(columns.count)"))
                } else if builder.add(number, fields.map { $0.isEmpty ? ETLValue.null : .text($0) }) {
                    try body(builder.take(fraction: min(1, Double(consumed) / Double(size))))
                    if shouldStop() { return false }
                }
            }
            if let error = reader.error { throw ETLFailure("source: the CSV cannot be read after row \(number): \(error)") }
            return true
        }

        while let chunk = try handle.read(upToCount: blockSize), !chunk.isEmpty {
            pending.append(contentsOf: chunk)
            for index in scanned..<pending.count {
                switch pending[index] {
                case UInt8(ascii: "\""): inQuotes.toggle()
                case UInt8(ascii: "\n") where !inQuotes: boundary = index + 1
                default: break
                }
            }
            scanned = pending.count
            guard boundary > 0 else { continue }
            consumed += boundary
            guard try parse(pending[..<boundary]) else { return }
            pending.removeFirst(boundary)
            scanned -= boundary
            boundary = 0
        }
        consumed += pending.count
        guard try parse(pending[...]) else { return }
        if header == nil { throw ETLFailure("source: the CSV is empty (no header row)") }
        try body(builder.take(fraction: 1))
    }
}
