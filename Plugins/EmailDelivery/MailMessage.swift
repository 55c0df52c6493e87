import Foundation

/// An RFC 5322 message built from a request: headers encoded and folded, bodies in UTF-8
/// (7bit when plain ASCII, quoted-printable otherwise), `multipart/alternative` with both text
/// and HTML. Bcc recipients are in the envelope only.
struct MailMessage {
    let from: EmailAddress
    /// Every envelope recipient: to, cc and bcc, each once.
    let recipients: [String]
    let messageID: String
    let bytes: [UInt8]

    init(_ request: EmailRequest, from: EmailAddress, date: Date = Date(), id: UUID = UUID()) throws {
        let to = try request.to.map(EmailAddress.init(parsing:))
        let cc = try (request.cc ?? []).map(EmailAddress.init(parsing:))
        let bcc = try (request.bcc ?? []).map(EmailAddress.init(parsing:))
        var seen = Set<String>()
        recipients = (to + cc + bcc).map(\.address).filter { seen.insert($0.lowercased()).inserted }
        self.from = from
        let domain = from.address.split(separator: "@").last.map(String.init) ?? "localhost"
        messageID = "<\(id.uuidString.lowercased())@\(domain)>"

        var head = ""
        head += MIMEText.header("Date", Self.rfc5322(date))
        head += MIMEText.header("From", Self.mailbox(from))
        head += MIMEText.header("To", to.map(Self.mailbox).joined(separator: ", "))
        if !cc.isEmpty { head += MIMEText.header("Cc", cc.map(Self.mailbox).joined(separator: ", ")) }
        if let replyTo = request.replyTo { head += MIMEText.header("Reply-To", Self.mailbox(try EmailAddress(parsing: replyTo))) }
        head += MIMEText.header("Subject", MIMEText.headerText(request.subject))
        head += MIMEText.header("Message-ID", messageID)
        head += MIMEText.header("MIME-Version", "1.0")
        for (name, value) in (request.headers ?? [:]).sorted(by: { $0.key < $1.key }) {
            head += MIMEText.header(name, MIMEText.headerText(value))
        }

        let body: String
        switch (request.text, request.html) {
        case (let text?, let html?):
            let boundary = "=_conveyor_\(id.uuidString.lowercased())"
            head += MIMEText.header("Content-Type", "multipart/alternative; boundary=\"\(boundary)\"")
            body = "This is a message in MIME format.\r\n"
                + "--\(boundary)\r\n" + Self.part(text, subtype: "plain") + "\r\n"
                + "--\(boundary)\r\n" + Self.part(html, subtype: "html") + "\r\n"
                + "--\(boundary)--\r\n"
        case (let text?, nil):
            body = Self.part(text, subtype: "plain")
        case (nil, let html?):
            body = Self.part(html, subtype: "html")
        case (nil, nil):
            body = Self.part("", subtype: "plain")
        }
        bytes = Array((head + body).utf8)
    }

    /// `Name <address>` with the name encoded as a phrase, or the bare address.
    private static func mailbox(_ address: EmailAddress) -> String {
        guard let name = address.name else { return address.address }
        return "\(MIMEText.phrase(name)) <\(address.address)>"
    }

    /// A text part's own headers, a blank line, and its encoded content (CRLF line ends).
    private static func part(_ content: String, subtype: String) -> String {
        let sevenBit = MIMEText.isSevenBit(content)
        let encoded = sevenBit
            ? content.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
            : MIMEText.quotedPrintable(content)
        return "Content-Type: text/\(subtype); charset=UTF-8\r\n"
            + "Content-Transfer-Encoding: \(sevenBit ? "7bit" : "quoted-printable")\r\n\r\n"
            + encoded + (encoded.hasSuffix("\r\n") ? "" : "\r\n")
    }

    /// RFC 5322 dates in UTC: `Mon, 23 Nov 2026 18:51:28 +0000`.
    static func rfc5322(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let parts = calendar.dateComponents([.weekday, .day, .month, .year, .hour, .minute, .second], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return String(
            format: "%@, %02d %@ %04d %02d:%02d:%02d +0000", days[(parts.weekday ?? 1) - 1], parts.day ?? 1, months[(parts.month ?? 1) - 1],
            parts.year ?? 1970, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
    }
}
