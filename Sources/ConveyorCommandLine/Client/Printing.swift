import Foundation

/// How client commands print: unbuffered lines (so they interleave with the live progress
/// bar in order) and server answers as pretty JSON with sorted keys.
enum Printing {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// A server's JSON answer, re-indented for people (keys sorted, values as sent).
    static func json(_ data: Data) {
        guard let value = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
            let pretty = try? JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .fragmentsAllowed])
        else { return line(String(decoding: data, as: UTF8.self)) }
        line(String(decoding: pretty, as: UTF8.self))
    }
}
