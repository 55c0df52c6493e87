import Conveyor
import ConveyorCurl
import Crypto
import Foundation
import Synchronization
import TestSupport
import Testing

@Suite("ConveyorCurl: transfers")
struct CurlClientTests {
    @Test("an HTTP error status is a response, not an error; the body is collected")
    func statusIsResponse() async throws {
        let server = try await FixtureServer.start()
        let response = try await CurlClient().perform(CurlRequest(url: server.url("/status/503")))
        #expect(response.status == 503)
        #expect(String(decoding: response.body, as: UTF8.self) == "status 503\n")
        #expect(response.header("content-type") == "text/plain")
    }

    @Test("multipart upload streams a MemoryBuffer and text fields; the server receives them intact")
    func multipart() async throws {
        let server = try await FixtureServer.start()
        let video = try FixturePaths.mediaBytes("moov-at-end.mp4")
        let buffer = try await MemoryBudget().makeBuffer()
        try await buffer.append(contentsOf: video)
        let uploaded = Mutex(0)
        var request = CurlRequest(url: server.url("/upload"))
        request.body = .multipart([
            .field("chat_id", "-100123"),
            .field("caption", "Grüße 🎬"),
            .file("video", from: buffer, filename: "clip.mp4", contentType: "video/mp4"),
        ])
        request.onProgress = { progress in uploaded.withLock { $0 = max($0, progress.uploaded) } }
        let response = try await CurlClient().perform(request)
        #expect(response.status == 200)
        struct Answer: Decodable {
            struct Part: Decodable { var name: String; var filename: String?; var type: String; var size: Int; var sha256: String; var text: String? }
            var parts: [Part]
        }
        let parts = try JSONDecoder().decode(Answer.self, from: Data(response.body)).parts
        #expect(parts.map(\.name) == ["chat_id", "caption", "video"])
        #expect(parts[1].text == "Grüße 🎬")
        #expect(parts[2].filename == "clip.mp4" && parts[2].type == "video/mp4")
        #expect(parts[2].size == video.count)
        #expect(parts[2].sha256 == SHA256.hash(data: video).map { String(format: "%02x", $0) }.joined())
        #expect(uploaded.withLock { $0 } >= video.count)
    }

    @Test("a guarded transfer never reuses a pooled connection another transfer opened to a refused address")
    func guardedTransfersOpenTheirOwnConnections() async throws {
        let server = try await FixtureServer.start()
        var open = CurlRequest(url: server.url("/generate/100"))
        open.destinations = .any
        #expect(try await CurlClient().perform(open).status == 200)  // leaves a loopback connection in the pool
        var guarded = open
        guarded.destinations = .publicOnly
        await #expect(throws: CurlError.self) { try await CurlClient().perform(guarded) }
    }

    @Test("cancelling the task aborts a stalled transfer")
    func cancel() async throws {
        let server = try await FixtureServer.start()
        let task = Task { try await CurlClient().perform(CurlRequest(url: server.url("/stall/moov-at-end.mp4?after=1000"))) }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }

    @Test("a redirect to another protocol is refused; a bad URL is a clear, redacted error")
    func refusals() async throws {
        let server = try await FixtureServer.start()
        await #expect(throws: CurlError.self) {
            try await CurlClient().perform(CurlRequest(url: server.url("/redirect-to?url=file%3A%2F%2F%2Fetc%2Fpasswd")))
        }
        var request = CurlRequest(url: "http://user:pw@256.1.1.1:99999/bot123:SECRET/x")
        request.secrets = ["123:SECRET"]
        do {
            _ = try await CurlClient().perform(request)
            Issue.record("a malformed URL was fetched")
        } catch let error as CurlError {
            #expect(!error.message.contains("SECRET") && !error.message.contains("pw@"))
            #expect(error.isPermanent)
        }
    }
}

@Suite("ConveyorCurl: redaction and the destination guard")
struct CurlPolicyTests {
    @Test("URLs lose userinfo, query values and named secrets")
    func redaction() {
        #expect(URLRedaction.redact("https://u:p@h.example/a?token=x&b=2#f") == "https://***@h.example/a?token=***&b=***#f")
        #expect(URLRedaction.redact("https://api.telegram.org/bot42:ABC/sendVideo", secrets: ["42:ABC"]) == "https://api.telegram.org/bot***/sendVideo")
    }

    @Test("address classes", arguments: [
        ("127.0.0.1", "loopback"), ("10.2.3.4", "private"), ("172.20.0.1", "private"), ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"), ("100.64.0.1", "shared (carrier-grade NAT)"), ("0.0.0.0", "unspecified"),
        ("::1", "loopback"), ("fd12::1", "private"), ("fe80::1", "link-local"), ("::ffff:127.0.0.1", "loopback"),
    ])
    func nonPublic(address: String, kind: String) throws {
        #expect(try #require(IPAddress(address)).nonPublicKind == kind)
    }

    @Test("public addresses pass", arguments: ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "172.32.0.1"])
    func publicAddresses(address: String) throws {
        #expect(try #require(IPAddress(address)).nonPublicKind == nil)
        #expect(DestinationPolicy.publicOnly.refusal(for: try #require(IPAddress(address))) == nil)
    }

    @Test("CONVEYOR_ALLOW_PRIVATE_URLS: off, on, or a list of ranges; a bad entry is named")
    func parsing() throws {
        #expect(try DestinationPolicy.parse(nil) == .publicOnly)
        #expect(try DestinationPolicy.parse("1") == .any)
        let list = try DestinationPolicy.parse("127.0.0.1, 10.0.0.0/8")
        #expect(list.refusal(for: IPAddress("10.9.9.9")!) == nil)
        #expect(list.refusal(for: IPAddress("192.168.0.1")!) == "192.168.0.1 is a private address")
        let error = #expect(throws: AddressRange.ParseError.self) { try DestinationPolicy.parse("10.0.0.0/40") }
        #expect(error?.text == "10.0.0.0/40")
    }
}
