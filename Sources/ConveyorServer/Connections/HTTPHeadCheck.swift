import Foundation

/// The checks a request head must pass before the HTTP parser sees it (RFC 9112): a request
/// line of method, target and version; header lines `name: value` with a token name and no
/// control characters; one framing for the body — a single `Content-Length`, or
/// `Transfer-Encoding: chunked` alone. Ambiguous framing is how requests are smuggled past
/// proxies, so it is refused, never guessed at.
enum HTTPHeadCheck {
    /// How the body of a checked head is framed.
    enum Body: Equatable {
        case none, length(Int), chunked
    }

    struct Request: Equatable {
        var body: Body
        /// The head asks for a WebSocket upgrade.
        var upgrade: Bool
    }

    struct Problem: Error {
        let message: String
    }

    /// Checks a whole head (ending in an empty line).
    static func check(_ bytes: [UInt8]) throws(Problem) -> Request {
        var lines = split(bytes)
        while lines.first?.isEmpty == true { lines.removeFirst() }  // empty lines before a request are allowed
        guard let requestLine = lines.first else { throw Problem(message: "The request has no request line") }
        try checkRequestLine(requestLine)
        var length: Int?
        var chunked = false
        var transferEncoding = false
        var upgrade = false
        for line in lines.dropFirst() where !line.isEmpty {
            guard line.first != 32, line.first != 9 else { throw Problem(message: "A header line starts with white space (obsolete line folding)") }
            guard let colon = line.firstIndex(of: 58), colon > 0, line[..<colon].allSatisfy(isTokenCharacter) else {
                throw Problem(message: "A header line is not 'Name: value'")
            }
            let value = line[(colon + 1)...]
            guard value.allSatisfy({ $0 == 9 || ($0 >= 32 && $0 != 127) }) else {
                throw Problem(message: "A header value holds a control character")
            }
            let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
            let text = String(decoding: value, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            switch name {
            case "content-length":
                guard length == nil else { throw Problem(message: "Content-Length is given more than once") }
                guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ (48...57).contains($0) }), let count = Int(text) else {
                    throw Problem(message: "Content-Length is not a number of bytes")
                }
                length = count
            case "transfer-encoding":
                guard !transferEncoding else { throw Problem(message: "Transfer-Encoding is given more than once") }
                transferEncoding = true
                guard text.lowercased() == "chunked" else { throw Problem(message: "Transfer-Encoding other than chunked is not supported") }
                chunked = true
            case "upgrade":
                upgrade = text.lowercased().split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == "websocket" }
            default:
                break
            }
        }
        if length != nil && transferEncoding { throw Problem(message: "Content-Length and Transfer-Encoding must not both be given") }
        let body: Body = chunked ? .chunked : length.map { Body.length($0) } ?? .none
        return Request(body: body, upgrade: upgrade)
    }

    /// `METHOD SP request-target SP HTTP/1.x`.
    private static func checkRequestLine(_ line: ArraySlice<UInt8>) throws(Problem) {
        let parts = line.split(separator: 32, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy(isTokenCharacter), !parts[1].isEmpty,
            parts[1].allSatisfy({ $0 > 32 && $0 != 127 })
        else { throw Problem(message: "The request line is not 'METHOD target HTTP/1.1'") }
        guard Array(parts[2]) == Array("HTTP/1.1".utf8) || Array(parts[2]) == Array("HTTP/1.0".utf8) else {
            throw Problem(message: "Only HTTP/1.0 and HTTP/1.1 are served")
        }
    }

    /// Lines split at CRLF (the head's last two empty lines included); a bare CR or LF is refused
    /// by the character checks, since it stays inside a line.
    private static func split(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == 13 && bytes[index + 1] == 10 {
                lines.append(bytes[start..<index])
                index += 2
                start = index
            } else {
                index += 1
            }
        }
        return lines
    }

    /// RFC 9110 `tchar`.
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case 48...57, 65...90, 97...122: true
        default: Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }
}
