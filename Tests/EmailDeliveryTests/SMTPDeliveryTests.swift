import Conveyor
import ConveyorEmailDelivery
import ConveyorTesting
import Foundation
import TestSupport
import Testing

/// Sends through the aiosmtpd server and reads back what it received.
@Suite("email: delivered through a real SMTP server")
struct SMTPDeliveryTests {
    let server: SMTPTestServer

    init() async throws {
        server = try await SMTPTestServer.start()
    }

    /// A recipient address no other test uses, so each test reads only its own messages.
    private func mailbox(_ name: String) -> String { "\(name)-\(UUID().uuidString.prefix(8).lowercased())@example.com" }

    private func plain() throws -> SMTPConfiguration {
        try #require(try SMTPConfiguration.from(config: .environment(["SMTP_URL": server.plainURL, "SMTP_FROM": "Conveyor <jobs@conveyor.example>"])))
    }

    private func send(_ request: EmailRequest, with smtp: SMTPConfiguration) async -> HandlerTestRun<EmailReceipt> {
        await HandlerTester().run(EmailHandler(smtp: smtp), request)
    }

    @Test("plain text: envelope, headers and body as sent; the receipt names the Message-ID")
    func plainText() async throws {
        let to = mailbox("plain")
        let receipt = try await send(EmailRequest(to: [to], subject: "Build 42 passed", text: "All green.\nSee you."), with: try plain()).output()
        let message = try #require(try server.messages(to: to).first)
        #expect(message.mailFrom == "jobs@conveyor.example" && message.recipients == [to])
        #expect(message.header("From") == "Conveyor <jobs@conveyor.example>")
        #expect(message.header("To") == to && message.header("Subject") == "Build 42 passed")
        #expect(message.header("Message-ID") == receipt.messageId && receipt.messageId.hasSuffix("@conveyor.example>"))
        #expect(message.header("Date") != nil && message.header("MIME-Version") == "1.0")
        #expect(message.contentType == "text/plain" && message.text == "All green.\r\nSee you.\r\n")
        #expect(receipt.accepted == [to] && receipt.rejected.isEmpty)
        #expect(!message.tls)
    }

    @Test("text and HTML: multipart/alternative with both parts intact")
    func alternative() async throws {
        let to = mailbox("html")
        let html = "<p>Hello <b>there</b> — " + String(repeating: "long line ", count: 30) + "</p>"
        _ = try await send(EmailRequest(to: [to], subject: "Both", text: "Hello there", html: html), with: try plain()).output()
        let message = try #require(try server.messages(to: to).first)
        #expect(message.contentType == "multipart/alternative")
        #expect(message.text == "Hello there\r\n")
        #expect(message.html == html + "\r\n")
        #expect(message.raw.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 78 }, "a line longer than 78 characters")
    }

    @Test("non-ASCII subject, names and body arrive decoded exactly; long headers fold")
    func unicode() async throws {
        let to = mailbox("unicode")
        let subject = "Grüße aus Köln — 🎬 Übersicht der Woche mit sehr vielen Wörtern, damit die Zeile umbrochen wird"
        let body = "Schöne Grüße,\nJürgen 👋\n" + String(repeating: "ä", count: 200)
        let request = EmailRequest(
            to: ["Zoë Ærøskøbing <\(to)>"], from: "Jürgen Groß <juergen@conveyor.example>", subject: subject, text: body,
            headers: ["X-Campaign": "Frühling 2026"])
        _ = try await send(request, with: try plain()).output()
        let message = try #require(try server.messages(to: to).first)
        #expect(message.header("Subject") == subject)
        #expect(message.header("From") == "Jürgen Groß <juergen@conveyor.example>")
        #expect(message.header("To") == "Zoë Ærøskøbing <\(to)>")
        #expect(message.header("X-Campaign") == "Frühling 2026")
        #expect(message.text == body.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n")
        #expect(message.raw.allSatisfy { $0.isASCII }, "the message is 7-bit clean")
        #expect(message.raw.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 78 })
    }

    @Test("to, cc and bcc all receive it; bcc appears in no header")
    func recipients() async throws {
        let (to, cc, bcc) = (mailbox("to"), mailbox("cc"), mailbox("bcc"))
        let receipt = try await send(
            EmailRequest(to: [to], cc: ["Carol <\(cc)>"], bcc: [bcc], replyTo: "help@conveyor.example", subject: "Team", text: "Hi"),
            with: try plain()
        ).output()
        let message = try #require(try server.messages(to: bcc).first)
        #expect(Set(message.recipients) == [to, cc, bcc])
        #expect(message.header("Cc") == "Carol <\(cc)>" && message.header("Reply-To") == "help@conveyor.example")
        #expect(message.header("Bcc") == nil && !message.raw.contains(bcc))
        #expect(Set(receipt.accepted) == [to, cc, bcc])
    }

    @Test("STARTTLS with a certificate the test trusts, and a login; the password shows nowhere")
    func startTLS() async throws {
        let to = mailbox("tls")
        let smtp = try #require(try SMTPConfiguration.from(config: .environment([
            "SMTP_URL": server.startTLSURL, "SMTP_FROM": "jobs@conveyor.example", "SMTP_USERNAME": SMTPTestServer.username,
            "SMTP_PASSWORD": SMTPTestServer.password, "SMTP_CA_FILE": server.certificate,
        ])))
        let run = await send(EmailRequest(to: [to], subject: "Secure", text: "Over TLS"), with: smtp)
        _ = try run.output()
        let message = try #require(try server.messages(to: to).first)
        #expect(message.tls && message.authenticated)
        var dumped = ""
        dump(smtp, to: &dumped)
        for text in ["\(smtp)", dumped] + run.progress.compactMap(\.message) {
            #expect(!text.contains(SMTPTestServer.password), "\(text)")
        }
    }

    @Test("implicit TLS (smtps://)")
    func implicitTLS() async throws {
        let to = mailbox("smtps")
        let smtp = SMTPConfiguration(
            url: server.implicitTLSURL, security: .implicitTLS, username: SMTPTestServer.username, password: SMTPTestServer.password,
            from: try EmailAddress(parsing: "jobs@conveyor.example"), caFile: server.certificate)
        _ = try await send(EmailRequest(to: [to], subject: "Implicit", text: "TLS from the first byte"), with: smtp).output()
        #expect(try server.messages(to: to).first?.tls == true)
    }

    @Test("a refused recipient is reported; the others still get the message")
    func partlyRefused() async throws {
        let (good, bad) = (mailbox("good"), mailbox("reject"))
        let receipt = try await send(EmailRequest(to: [good, bad], subject: "Some", text: "x"), with: try plain()).output()
        #expect(receipt.accepted == [good])
        #expect(receipt.rejected == [EmailReceipt.Refusal(address: bad, code: 550, reason: "5.1.1 <\(bad)>: mailbox unavailable")])
        #expect(try server.messages(to: good).count == 1)
    }

    @Test("every recipient refused: 5xx is permanent, 4xx retryable")
    func allRefused() async throws {
        let permanent = await send(EmailRequest(to: [mailbox("reject")], subject: "No", text: "x"), with: try plain())
        let error = try #require(permanent.result.failure as? JobError)
        #expect(error.isPermanent && error.message.hasPrefix("No recipient was accepted: reject-"))
        let temporary = await send(EmailRequest(to: [mailbox("later")], subject: "Later", text: "x"), with: try plain())
        let deferred = try #require(temporary.result.failure as? JobError)
        #expect(!deferred.isPermanent && deferred.message.contains("451"))
    }

    @Test("a server that is down is retryable; no STARTTLS, a bad login or an untrusted certificate are permanent")
    func failures() async throws {
        let request = EmailRequest(to: [mailbox("fail")], subject: "x", text: "x")
        let from = try EmailAddress(parsing: "jobs@conveyor.example")

        let down = await send(request, with: SMTPConfiguration(url: "smtp://127.0.0.1:9", security: .startTLS, from: from, connectTimeout: .seconds(2)))
        #expect((down.result.failure as? JobError)?.isPermanent == false)

        // A clear session to the same port first: the one requiring TLS must not reuse it.
        _ = try await send(EmailRequest(to: [mailbox("clear")], subject: "x", text: "x"), with: try plain()).output()
        let noTLS = await send(request, with: SMTPConfiguration(url: server.plainPortRequiringTLS, security: .startTLS, from: from))
        let tlsError = try #require(noTLS.result.failure as? JobError)
        #expect(tlsError.isPermanent && tlsError.code == "smtp_tls_unavailable")

        let wrongPassword = "not-the-password-123"
        let badLogin = await send(request, with: SMTPConfiguration(
            url: server.startTLSURL, security: .startTLS, username: SMTPTestServer.username, password: wrongPassword, from: from,
            caFile: server.certificate))
        let loginError = try #require(badLogin.result.failure as? JobError)
        #expect(loginError.isPermanent && loginError.code == "smtp_login_refused")
        #expect(!loginError.message.contains(wrongPassword))

        let untrusted = await send(request, with: SMTPConfiguration(url: server.implicitTLSURL, security: .implicitTLS, from: from))
        let certificateError = try #require(untrusted.result.failure as? JobError)
        #expect(certificateError.isPermanent && certificateError.code == "smtp_tls_failed")
    }

    @Test("the email job through the runtime: enqueue, send, result")
    func throughTheRuntime() async throws {
        let to = mailbox("job")
        let job = try await withTestRuntime(plugins: [EmailDeliveryPlugin(smtp: try plain())]) { runtime in
            let payload = #"{"to": ["\#(to)"], "subject": "From a job", "text": "Queued and sent"}"#
            let id = try await runtime.enqueue(JobRequest(type: "email", payload: Data(payload.utf8))).job.id
            return try await runtime.waitUntilFinished(id, pollEvery: .milliseconds(20))
        }
        #expect(job.status == .completed, "\(job.error?.message ?? "")")
        let receipt = try JSONDecoder().decode(EmailReceipt.self, from: try #require(job.result))
        #expect(receipt.accepted == [to])
        #expect(try server.messages(to: to).first?.header("Subject") == "From a job")
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
