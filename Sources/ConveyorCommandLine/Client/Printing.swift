import Foundation

/// How client commands print: unbuffered lines (so they interleave with the live progress
/// bar in order) and server answers as pretty JSON with sorted keys.
enum Printing {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Rows under a header: aligned columns on a terminal; tab-separated lines otherwise, the
    /// header kept out, so `cut -f` and `awk -F'\t'` read them as they are.
    static func table(_ header: [String], _ rows: [[String]], empty: String = "(no jobs)") {
        // A message may hold tabs and newlines; a cell is one line.
        let cells = rows.map { $0.map { $0.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ") } }
        guard isatty(STDOUT_FILENO) == 1 else { return cells.forEach { line($0.joined(separator: "\t")) } }
        var widths = header.map(\.count)
        for row in cells { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        for row in [header] + cells {
            let padded = row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }
            line(padded.joined(separator: "  "))
        }
        if cells.isEmpty { line(empty) }
    }

    /// A server's JSON answer, re-indented for people (keys sorted, values as sent).
    static func json(_ data: Data) {
        guard let value = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
            let pretty = try? JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .fragmentsAllowed])
        else { return line(String(decoding: data, as: UTF8.self)) }
        line(String(decoding: pretty, as: UTF8.self))
    }
}
