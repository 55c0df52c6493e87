import Conveyor
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Rows into a CSV (RFC 4180 quoting, header row, CRLF) or JSON Lines file. It is written beside
/// the target (created anew, never through an existing name) and renamed into place when the job
/// succeeds, so a failed job leaves the old file. Only a file is ever replaced: a target that is a
/// directory is refused, never removed.
struct FileSink: RowSink {
    enum Format { case csv, jsonl }

    private let format: Format
    private let file: ConfinedPath
    private let scratch: String
    private let handle: FileHandle
    private var wroteHeader = false

    init(file: ConfinedPath, format: Format) throws {
        self.file = file
        self.format = format
        if let existing = FileIdentity(path: file.path, follow: false), !existing.isRegular {
            throw ETLFailure("\(file.field): \"\(ConfinedPath.cut(file.given))\" exists and is not a file (a directory is never replaced)")
        }
        scratch = file.path + ".conveyor-\(UUID().uuidString.prefix(8))"
        let descriptor = open(scratch, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ETLFailure.system(errno, "\(file.field): cannot write \"\(ConfinedPath.cut(file.given))\"") }
        handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: false)
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
        do {
            try handle.write(contentsOf: Data(text.utf8))
        } catch {
            // A local file fails to grow when the disk or quota is full: worth another try.
            throw ETLFailure("\(file.field): writing \"\(ConfinedPath.cut(file.given))\" failed: \(error.localizedDescription)", isPermanent: false)
        }
    }

    mutating func finish() throws {
        try handle.close()
        // rename(2) replaces a file (or a symlink itself) atomically, and refuses a directory.
        guard rename(scratch, file.path) == 0 else {
            let code = errno
            try? FileManager.default.removeItem(atPath: scratch)
            throw ETLFailure.system(code, "\(file.field): cannot put \"\(ConfinedPath.cut(file.given))\" in place")
        }
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
