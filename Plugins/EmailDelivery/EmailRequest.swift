/// The `email` payload: `{to, cc?, bcc?, from?, replyTo?, subject, text?, html?, headers?}`.
///
/// Decoding checks every field, so a bad payload is refused at enqueue naming the field and the
/// address (`payload.to[1]: "bob@" the domain is not a host name…`). Line breaks in any header
/// value are refused — nothing in a payload can add a header of its own making.
public struct EmailRequest: Codable, Sendable, Hashable {
    /// At least one recipient; `Name <address>` or a bare address.
    public var to: [String]
    public var cc: [String]?
    /// Receive the message but appear in no header.
    public var bcc: [String]?
    /// Defaults to `SMTP_FROM`.
    public var from: String?
    public var replyTo: String?
    public var subject: String
    /// The plain-text body; with `html` too the message is `multipart/alternative`.
    public var text: String?
    public var html: String?
    /// Extra headers such as `X-Campaign`; the ones the message builds itself cannot be set.
    public var headers: [String: String]?

    /// Recipients one message may have (servers commonly refuse more than 100 RCPTs).
    public static let maxRecipients = 100

    /// Headers the builder writes; a payload may not set them.
    static let reservedHeaders: Set<String> = [
        "from", "to", "cc", "bcc", "reply-to", "subject", "date", "message-id", "mime-version", "content-type",
        "content-transfer-encoding", "sender", "return-path", "received",
    ]

    public init(
        to: [String], cc: [String]? = nil, bcc: [String]? = nil, from: String? = nil, replyTo: String? = nil, subject: String,
        text: String? = nil, html: String? = nil, headers: [String: String]? = nil
    ) {
        self.to = to
        self.cc = cc
        self.bcc = bcc
        self.from = from
        self.replyTo = replyTo
        self.subject = subject
        self.text = text
        self.html = html
        self.headers = headers
    }

    private enum CodingKeys: String, CodingKey {
        case to, cc, bcc, from, replyTo, subject, text, html, headers
    }

    /// Validates every field, naming the bad one.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        to = try container.decode([String].self, forKey: .to)
        cc = try container.decodeIfPresent([String].self, forKey: .cc)
        bcc = try container.decodeIfPresent([String].self, forKey: .bcc)
        from = try container.decodeIfPresent(String.self, forKey: .from)
        replyTo = try container.decodeIfPresent(String.self, forKey: .replyTo)
        subject = try container.decode(String.self, forKey: .subject)
        text = try container.decodeIfPresent(String.self, forKey: .text)
        html = try container.decodeIfPresent(String.self, forKey: .html)
        headers = try container.decodeIfPresent([String: String].self, forKey: .headers)

        func fail(_ key: CodingKeys, _ message: String) -> DecodingError {
            DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: message)
        }
        guard !to.isEmpty else { throw fail(.to, "at least one recipient is needed") }
        for (key, list) in [(CodingKeys.to, to), (.cc, cc ?? []), (.bcc, bcc ?? [])] {
            for (index, text) in list.enumerated() {
                do { _ = try EmailAddress(parsing: text) } catch {
                    throw fail(key, "[\(index)] \"\(text)\" is not an email address: \(error)")
                }
            }
        }
        let count = to.count + (cc?.count ?? 0) + (bcc?.count ?? 0)
        guard count <= Self.maxRecipients else { throw fail(.to, "\(count) recipients; at most \(Self.maxRecipients) per message") }
        for (key, value) in [(CodingKeys.from, from), (.replyTo, replyTo)] {
            guard let value else { continue }
            do { _ = try EmailAddress(parsing: value) } catch { throw fail(key, "\"\(value)\" is not an email address: \(error)") }
        }
        guard !subject.contains(where: \.isNewline) else { throw fail(.subject, "contains a line break (refused: it could add headers)") }
        guard text != nil || html != nil else { throw fail(.text, "a body is needed: text, html or both") }
        for (name, value) in headers ?? [:] {
            guard !name.isEmpty, name.unicodeScalars.allSatisfy({ $0.value > 32 && $0.value < 127 && $0 != ":" }) else {
                throw fail(.headers, "\"\(name)\" is not a header name")
            }
            guard !Self.reservedHeaders.contains(name.lowercased()) else {
                throw fail(.headers, "\"\(name)\" is set by the message itself; use the payload's own field")
            }
            guard !value.contains(where: \.isNewline) else {
                throw fail(.headers, "\"\(name)\" contains a line break (refused: it could add headers)")
            }
        }
    }
}
