import Conveyor
import Foundation

/// Rows into a CSV (RFC 4180 quoting, header row, CRLF) or JSON Lines file. It is written beside
/// the target and moved into place when the job succeeds, so a failed job leaves the old file.
struct FileSink: RowSink {
    enum Format { case csv, jsonl }

    private let format: Format
    private let path: String
    private let scratch: String
    private let handle: FileHandle
    private var wroteHeader = false

    init(path: String, format: Format) throws {
        self.path = path
        self.format = format
        scratch = path + ".conveyor-\(UUID().uuidString.prefix(8))"
        guard FileManager.default.createFile(atPath: scratch, contents: nil), let handle = FileHandle(forWritingAtPath: scratch) else {
            throw ETLFailure("destination: cannot write \(path)")
        }
        self.handle = handle
    }

    mutating func write(columns: [String], rows: [[ETLValue]]) throws {
        var text = ""
        if format == .csv && !wroteHeader {
            text += columns.map(Self.csvField).joined(separator: ",") + "\r\n"
            wroteHeader = true
        }
        for row in rows {
            switch format {
            case .csv:
                text += row.map { Self.csvField($0.text ?? "") }.joined(separator: ",") + "\r\n"
            case .jsonl:
                let fields = zip(columns, row).map { name, value in "\(Self.json(.string(name))):\(Self.json(JSONValue(value)))" }
                text += "{" + fields.joined(separator: ",") + "}\n"
            }
        }
        try handle.write(contentsOf: Data(text.utf8))
    }

    mutating func finish() throws {
        try handle.close()
        _ = try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.moveItem(atPath: scratch, toPath: path)
    }

    mutating func abandon() {
        try? handle.close()
        try? FileManager.default.removeItem(atPath: scratch)
    }

    /// Quoted when it holds the delimiter, a quote, a line break or edge spaces.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) || text.first == " " || text.last == " " else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private static func json(_ field: JSONValue) -> String {
        String(decoding: (try? JSONValue.encoder.encode(field)) ?? Data("null".utf8), as: UTF8.self)
    }
}
