import Conveyor
@testable import ConveyorEmailDelivery
import ConveyorTesting
import Foundation
import Testing

@Suite("email: payloads, encodings and settings")
struct MessageTests {
    @Test("bad payloads are refused at enqueue, naming the field", arguments: [
        (#"{"to": [], "subject": "s", "text": "t"}"#, "payload.to: at least one recipient is needed"),
        (#"{"to": ["a@example.com", "bob@"], "subject": "s", "text": "t"}"#, #"payload.to: [1] "bob@" is not an email address"#),
        (#"{"to": ["a@example.com"], "cc": ["x y@example.com"], "subject": "s", "text": "t"}"#, "payload.cc: [0]"),
        (#"{"to": ["a@example.com"], "subject": "Hi\r\nBcc: victim@example.com", "text": "t"}"#, "payload.subject: contains a line break"),
        (#"{"to": ["a@example.com"], "subject": "s"}"#, "payload.text: a body is needed"),
        (#"{"to": ["a@example.com"], "subject": "s", "text": "t", "headers": {"X-A": "1\nBcc: v@example.com"}}"#, #"payload.headers: "X-A" contains a line break"#),
        (#"{"to": ["a@example.com"], "subject": "s", "text": "t", "headers": {"Bcc": "v@example.com"}}"#, #"payload.headers: "Bcc" is set by the message itself"#),
        (#"{"to": ["a@example.com"], "from": "nobody", "subject": "s", "text": "t"}"#, "payload.from:"),
    ])
    func badPayloads(_ payload: String, _ expected: String) async throws {
        let smtp = SMTPConfiguration(url: "smtp://127.0.0.1:9", security: .none)
        try await withTestRuntime(plugins: [EmailDeliveryPlugin(smtp: smtp)]) { runtime in
            let refusal = try await enqueueRefusal(runtime, type: "email", payload: payload)
            #expect(refusal?.contains(expected) == true, "\(refusal ?? "accepted \(payload)")")
        }
    }

    @Test("addresses: names, quotes and what is refused")
    func addresses() throws {
        let plain = try EmailAddress(parsing: "alice@example.com")
        #expect(plain.address == "alice@example.com" && plain.name == nil)
        let named = try EmailAddress(parsing: "\"Liddell, Alice\" <alice@example.com>")
        #expect(named.address == "alice@example.com" && named.name == "Liddell, Alice")
        for bad in ["alice", "alice@", "@example.com", "a..b@example.com", "alice@localhost", "ålice@example.com", "a b@example.com", "a@-x.com"] {
            #expect(throws: EmailAddress.Problem.self, "\(bad)") { try EmailAddress(parsing: bad) }
        }
    }

    @Test("quoted-printable: lines ≤ 76, soft breaks never split an escape, decodes back")
    func quotedPrintable() {
        let text = String(repeating: "Grüße = ", count: 40) + "trailing space \nnext"
        let encoded = MIMEText.quotedPrintable(text)
        for line in encoded.components(separatedBy: "\r\n") {
            #expect(line.count <= 76, "\(line)")
            #expect(!line.hasSuffix(" "))
        }
        #expect(decodeQuotedPrintable(encoded) == text.replacingOccurrences(of: "\n", with: "\r\n"))
    }

    @Test("encoded words: at most 75 characters each, no character split")
    func encodedWords() {
        let words = MIMEText.encodedWords(String(repeating: "🎬ü", count: 30)).split(separator: " ")
        #expect(words.count > 1)
        for word in words {
            #expect(word.count <= 75 && word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
            let payload = word.dropFirst(10).dropLast(2)
            #expect(Data(base64Encoded: String(payload)).flatMap { String(data: $0, encoding: .utf8) } != nil, "a character was split")
        }
    }

    @Test("SMTP_URL and friends: the three forms, and one line per problem without the password")
    func settings() throws {
        #expect(try SMTPConfiguration.from(config: .environment([:])) == nil)
        let startTLS = try #require(try SMTPConfiguration.from(config: .environment(["SMTP_URL": "smtp://mail.example.com"])))
        #expect(startTLS.url == "smtp://mail.example.com:587" && startTLS.security == .startTLS)
        let implicit = try #require(try SMTPConfiguration.from(config: .environment(["SMTP_URL": "smtps://mail.example.com"])))
        #expect(implicit.url == "smtps://mail.example.com:465" && implicit.security == .implicitTLS)
        let relay = try #require(try SMTPConfiguration.from(config: .environment(["SMTP_URL": "smtp://relay:25?tls=none"])))
        #expect(relay.url == "smtp://relay:25" && relay.security == SMTPConfiguration.Security.none)
        do {
            _ = try SMTPConfiguration.from(config: .environment([
                "SMTP_URL": "smtp://user:hunter2@mail.example.com", "SMTP_FROM": "nobody", "SMTP_PASSWORD": "hunter2",
            ]))
            Issue.record("bad settings were accepted")
        } catch {
            #expect(error.lines.count == 3, "\(error.lines)")
            #expect(error.lines.contains { $0.hasPrefix("smtp.url: credentials in the URL are refused") })
            #expect(error.lines.contains { $0.hasPrefix("smtp.from: 'nobody' is not an email address") })
            #expect(error.lines.contains("smtp.password: set without a username to log in with"))
            #expect(!error.description.contains("hunter2"))
        }
        #expect(throws: ConfigurationProblem.self) { try SMTPConfiguration.from(config: .environment(["SMTP_URL": "smtps://x.example.com?tls=none"])) }
        #expect(throws: ConfigurationProblem.self) {
            try SMTPConfiguration.from(config: .environment(["SMTP_URL": "smtp://x.example.com?tls=none", "SMTP_USERNAME": "u", "SMTP_PASSWORD": "p"]))
        }
    }

    @Test("Date headers are RFC 5322")
    func date() {
        #expect(MailMessage.rfc5322(Date(timeIntervalSince1970: 1_795_459_888)) == "Mon, 23 Nov 2026 18:51:28 +0000")
    }

    /// Decodes quoted-printable the plain way, independently of the encoder.
    private func decodeQuotedPrintable(_ text: String) -> String {
        var bytes: [UInt8] = []
        let source = Array(text.replacingOccurrences(of: "=\r\n", with: "").utf8)
        var index = 0
        while index < source.count {
            if source[index] == UInt8(ascii: "="), index + 2 < source.count,
                let value = UInt8(String(decoding: source[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                index += 3
            } else {
                bytes.append(source[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
