import Conveyor
import Foundation

/// JSON Lines: one object per line. The first object's keys, in alphabetical order (a JSON
/// object has none of its own), are the columns; a later object's missing keys are null and its
/// extra keys are left out. A line that is not a JSON object is rejected with its number.
struct JSONLinesSource: RowSource {
    let file: SourceFile

    func read(rows limit: Int, bytes: Int, shouldStop: () -> Bool, _ body: (RowBatch) throws -> Void) throws {
        let handle = file.handle
        defer { try? handle.close() }
        let size = file.size
        let decoder = JSONDecoder()
        var columns: [String]?
        var builder = BatchBuilder(columns: [], rows: limit, bytes: bytes)
        var number = 0
        var consumed = 0
        var pending = Data()

        func take(_ line: Data) throws {
            consumed += line.count + 1
            guard !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) else { return }
            number += 1
            guard let object = try? decoder.decode([String: JSONValue].self, from: line) else {
                builder.reject(.init(row: number, reason: "is not a JSON object"))
                return
            }
            if columns == nil {
                columns = object.keys.sorted()
                builder.columns = columns ?? []
            }
            if builder.add(number, (columns ?? []).map { object[$0]?.value ?? .null }) {
                try body(builder.take(fraction: min(1, Double(consumed) / Double(size))))
            }
        }

        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            pending.append(chunk)
            var start = pending.startIndex
            while let newline = pending[start...].firstIndex(of: 0x0A) {
                try take(pending[start..<newline])
                start = pending.index(after: newline)
                if shouldStop() { return }
            }
            pending = Data(pending[start...])
        }
        if !pending.isEmpty { try take(pending) }
        try body(builder.take(fraction: 1))
    }
}
