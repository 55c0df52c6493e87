import Foundation

/// How client commands print: unbuffered lines (so they interleave with the live progress
/// bar in order) and server answers as pretty JSON with sorted keys.
enum Printing {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func json(_ value: Any) {
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .fragmentsAllowed]) else { return }
        line(String(decoding: data, as: UTF8.self))
    }
}
