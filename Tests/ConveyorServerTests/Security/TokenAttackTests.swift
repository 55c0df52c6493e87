import Conveyor
import ConveyorServer
import Foundation
import JWTKit
import TestSupport
import Testing

/// Tokens as RFC 7519 allows them and as attackers shape them, against a real server: each
/// refusal says which check failed without echoing the token; WebSocket sessions end with
/// their token.
@Suite("security: tokens")
struct TokenAttackTests {
    static func get(_ server: TestServer, _ token: String, _ path: String = "/api/jobs") async throws -> TestServer.Answer {
        try await server.request("GET", path, token: token)
    }

    @Test("iat is optional, nbf is honoured, and every refusal names its reason without the token")
    func claims() async throws {
        let server = try await TestServer.start(runWorkers: false)
        defer { Task { try? await server.stop() } }
        let secret = TestServer.secret
        let noIat = try await ClaimsToken(["sub": "alice", "role": "user", "exp": ClaimsToken.expiry(in: 600)]).signed(secret: secret)
        #expect(try await Self.get(server, noIat).status == 200)

        let cases: [(String, String)] = [
            (try await ClaimsToken(["sub": "alice", "exp": ClaimsToken.expiry(in: 600), "nbf": ClaimsToken.expiry(in: 3600)]).signed(secret: secret), "not valid before"),
            (try await ClaimsToken(["sub": "alice", "exp": ClaimsToken.expiry(in: -60)]).signed(secret: secret), "expired at"),
            (try await ClaimsToken(["sub": "alice", "exp": ClaimsToken.expiry(in: 600)]).signed(secret: "another-secret-0123456789abcdef-0123"), "signature does not verify"),
            (try await ClaimsToken(["role": "admin", "exp": ClaimsToken.expiry(in: 600)]).signed(secret: secret), "no 'sub' claim"),
            (try await ClaimsToken(["sub": "alice"]).signed(secret: secret), "no 'exp' claim"),
            (try await ClaimsToken(["sub": "bob\u{0}evil", "exp": ClaimsToken.expiry(in: 600)]).signed(secret: secret), "without NUL"),
            (try await ClaimsToken(["sub": "alice", "role": "root", "exp": ClaimsToken.expiry(in: 600)]).signed(secret: secret), "must be admin or user"),
            (Self.unsigned(["sub": "alice", "role": "admin", "exp": ClaimsToken.expiry(in: 600)]), "algorithm ('none') is not allowed"),
            ("not-a-token", "not a JWT"),
        ]
        for (token, reason) in cases {
            let answer = try await Self.get(server, token)
            #expect(answer.status == 401 && answer.errorCode == "unauthorized", "\(reason): \(answer.status)")
            #expect(answer.errorMessage.contains(reason), "\(reason): \(answer.errorMessage)")
            #expect(!answer.errorMessage.contains(token), "the token was echoed")
        }
    }

    @Test("issuer and audience, when configured, are required")
    func issuerAndAudience() async throws {
        let server = try await TestServer.start(runWorkers: false, tokenPolicy: TokenPolicy(issuer: "https://idp.example", audience: "conveyor"))
        defer { Task { try? await server.stop() } }
        let secret = TestServer.secret
        let good: [String: JSONValue] = ["sub": "alice", "exp": ClaimsToken.expiry(in: 600), "iss": "https://idp.example", "aud": ["other", "conveyor"]]
        #expect(try await Self.get(server, try await ClaimsToken(good).signed(secret: secret)).status == 200)
        var noIssuer = good
        noIssuer["iss"] = nil
        let missing = try await Self.get(server, try await ClaimsToken(noIssuer).signed(secret: secret))
        #expect(missing.status == 401 && missing.errorMessage.contains("CONVEYOR_JWT_ISSUER"), "\(missing.errorMessage)")
        var wrongAudience = good
        wrongAudience["aud"] = "someone-else"
        let wrong = try await Self.get(server, try await ClaimsToken(wrongAudience).signed(secret: secret))
        #expect(wrong.status == 401 && wrong.errorMessage.contains("CONVEYOR_JWT_AUDIENCE"), "\(wrong.errorMessage)")
    }

    @Test("an identity provider's ES256 and RS256 public keys sign tokens, the role read from a configured claim")
    func publicKeys() async throws {
        let ecdsa = ES256PrivateKey()
        let (rsaPrivate, rsaPublic) = try Self.rsaKeyPair()
        let policy = TokenPolicy(roleClaim: "realm_access.roles", publicKeys: ecdsa.publicKey.pemRepresentation + "\n" + rsaPublic)
        let server = try await TestServer.start(runWorkers: false, tokenPolicy: policy)
        defer { Task { try? await server.stop() } }
        let admin = ClaimsToken(["sub": "ops", "exp": ClaimsToken.expiry(in: 600), "realm_access": ["roles": ["offline", "admin"]]])
        let es256 = try await admin.signed(es256: ecdsa)
        #expect(try await Self.get(server, es256, "/api/dead-letter").status == 200)
        let user = ClaimsToken(["sub": "dev", "exp": ClaimsToken.expiry(in: 600), "realm_access": ["roles": ["offline"]]])
        let rs256 = try await JWTKeyCollection().add(rsa: try Insecure.RSA.PrivateKey(pem: rsaPrivate), digestAlgorithm: .sha256).sign(user)
        #expect(try await Self.get(server, rs256).status == 200)
        #expect(try await Self.get(server, rs256, "/api/dead-letter").status == 403)
        // A key the server does not have.
        let stranger = try await admin.signed(es256: ES256PrivateKey())
        let refused = try await Self.get(server, stranger)
        #expect(refused.status == 401 && refused.errorMessage.contains("signature does not verify"), "\(refused.errorMessage)")
    }

    @Test("a WebSocket session closes with 1008 when its token expires, unless a fresh token came first")
    func webSocketExpiry() async throws {
        let server = try await TestServer.start(runWorkers: false)
        defer { Task { try? await server.stop() } }
        let shortLived = { try await ClaimsToken(["sub": "alice", "exp": ClaimsToken.expiry(in: 6)]).signed(secret: TestServer.secret) }
        let expiring = WebSocketProbe(url: "ws://127.0.0.1:\(server.port)/ws?token=\(try await shortLived())")
        defer { expiring.close() }
        expiring.send(#"{"type":"subscribe","topic":"queue"}"#)
        try await expiring.next { $0["type"] as? String == "subscribed" }
        // The renewal must land before the short token lapses; on a machine too loaded for that
        // in 6 s the attempt proves nothing, so it is made again with a fresh token.
        var renewedInTime: WebSocketProbe?
        for _ in 0..<3 where renewedInTime == nil {
            let started = ContinuousClock.now
            let socket = WebSocketProbe(url: "ws://127.0.0.1:\(server.port)/ws?token=\(try await shortLived())")
            socket.send(#"{"type":"subscribe","topic":"queue"}"#)
            try await socket.next { $0["type"] as? String == "subscribed" }
            socket.send(#"{"type":"auth","token":"\#(server.alice)"}"#)
            try await socket.next { $0["type"] as? String == "authenticated" }
            if ContinuousClock.now - started < .seconds(4) { renewedInTime = socket } else { socket.close() }
        }
        let renewed = try #require(renewedInTime, "the machine never managed to renew a session within 4 s")
        defer { renewed.close() }
        // Someone else's token cannot take the session over.
        renewed.send(#"{"type":"auth","token":"\#(server.bob)"}"#)
        try await renewed.next { $0["type"] as? String == "error" && ($0["message"] as? String ?? "").contains("stays with the user") }

        #expect(try await expiring.waitUntilClosed(timeout: .seconds(20)) == "policyViolation")
        try await expiring.next { $0["type"] as? String == "error" && $0["code"] as? String == "token_expired" }
        try await Task.sleep(for: .seconds(1))
        #expect(renewed.closedWith == nil, "a session renewed before expiry stays")
        renewed.send(#"{"type":"subscribe","topic":"memory"}"#)
        try await renewed.next { $0["type"] as? String == "memory:stats" }
    }

    /// A token with `alg: none` and no signature.
    static func unsigned(_ claims: [String: JSONValue]) -> String {
        func part(_ data: Data) -> String {
            data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
        let payload = (try? JSONEncoder().encode(claims)) ?? Data()
        return part(Data(#"{"alg":"none","typ":"JWT"}"#.utf8)) + "." + part(payload) + "."
    }

    /// A 2048-bit RSA key pair made by openssl: (private PEM, public PEM).
    static func rsaKeyPair() throws -> (String, String) {
        func openssl(_ arguments: [String], input: String? = nil) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = arguments
            let output = Pipe()
            let stdin = Pipe()
            process.standardOutput = output
            process.standardInput = stdin
            process.standardError = FileHandle.nullDevice
            try process.run()
            if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
            try stdin.fileHandleForWriting.close()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return text
        }
        let key = try openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"])
        return (key, try openssl(["pkey", "-pubout"], input: key))
    }
}
