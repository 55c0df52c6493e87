import Foundation

/// The MIME encodings a message needs: RFC 2047 encoded-words for non-ASCII header text,
/// quoted-printable bodies, and header folding — so every line stays within SMTP's limits.
enum MIMEText {
    /// Printable ASCII without line breaks needs no encoding in a header.
    static func isPlainHeaderText(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F } && !text.contains("=?")
    }

    /// `text` as one or more `=?UTF-8?B?…?=` words (each at most 60 characters), never splitting
    /// a character between words; words are separated by a space, where headers fold.
    static func encodedWords(_ text: String) -> String {
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 36 {  // 36 bytes → 48 base64 characters + 12 → 60, room for "Subject: " within 78
                words.append(word(chunk))
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append(word(chunk)) }
        return words.joined(separator: " ")
    }

    private static func word(_ bytes: [UInt8]) -> String { "=?UTF-8?B?\(Data(bytes).base64EncodedString())?=" }

    /// Unstructured header text (a subject, a custom header): as is when plain, encoded otherwise.
    static func headerText(_ text: String) -> String {
        isPlainHeaderText(text) ? text : encodedWords(text)
    }

    /// A display name as a phrase: plain atoms as they are, other plain text quoted, anything
    /// non-ASCII encoded.
    static func phrase(_ name: String) -> String {
        guard isPlainHeaderText(name) else { return encodedWords(name) }
        let atomText = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~- ")
        if name.allSatisfy(atomText.contains) { return name }
        return "\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// `Name: value`, folded at spaces so lines stay within 78 characters where the value allows.
    static func header(_ name: String, _ value: String) -> String {
        var lines: [String] = []
        var line = name + ":"
        for word in value.split(separator: " ", omittingEmptySubsequences: false) {
            if line.count + 1 + word.count > 78 && line.count > name.count + 1 {
                lines.append(line)
                line = ""
            }
            line += " " + word
        }
        lines.append(line)
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// The body with CRLF line ends, quoted-printable (RFC 2045 §6.7): lines of at most 76
    /// characters, `=` and non-ASCII bytes as `=XX`, spaces at line ends encoded.
    static func quotedPrintable(_ text: String) -> String {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
        return lines.map { encodeLine(Array($0.utf8)) }.joined(separator: "\r\n")
    }

    private static func encodeLine(_ bytes: [UInt8]) -> String {
        var output = ""
        var width = 0
        for (index, byte) in bytes.enumerated() {
            let isLast = index == bytes.count - 1
            let literal = (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "=")) || ((byte == 32 || byte == 9) && !isLast)
            let piece = literal ? String(UnicodeScalar(byte)) : String(format: "=%02X", byte)
            // Keep room for the soft break "=" unless this is the line's last piece.
            if width + piece.count > (isLast ? 76 : 75) {
                output += "=\r\n"
                width = 0
            }
            output += piece
            width += piece.count
        }
        return output
    }

    /// Whether a body can go as 7bit: ASCII only, lines ≤ 998 octets.
    static func isSevenBit(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 < 0x80 && $0 != 0 }
            && text.split(whereSeparator: \.isNewline).allSatisfy { $0.utf8.count <= 998 }
    }
}
