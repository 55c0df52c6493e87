import Conveyor
public import Foundation
import JWTKit

/// Signs the HS256 tokens of DESIGN §5 with one shared secret, and checks tokens signed with it
/// or, when configured, with an identity provider's RS256/ES256 public keys. The secret stays
/// inside: descriptions, errors and logs never show it, and a refusal never echoes the token.
public struct TokenAuthority: Sendable, CustomStringConvertible {
    private let keys: JWTKeyCollection
    private let policy: TokenPolicy
    private let algorithms: [String]

    /// How far a token's `nbf` may lie ahead of this clock (clock skew between machines).
    static let notBeforeLeeway: TimeInterval = 30

    /// Refuses secrets shorter than 32 bytes (the SHA-256 block HS256 needs): HS256 with a
    /// guessable secret is no protection. Throws `TokenError` naming the setting when the
    /// public keys cannot be read.
    public init(secret: String, policy: TokenPolicy = TokenPolicy()) async throws {
        guard secret.utf8.count >= 32 else {
            throw TokenError("CONVEYOR_JWT_SECRET: must be at least 32 bytes long (got \(secret.utf8.count))")
        }
        let keys = await JWTKeyCollection().add(hmac: HMACKey(from: Array(secret.utf8)), digestAlgorithm: .sha256)
        var algorithms = ["HS256"]
        if let text = policy.publicKeys {
            algorithms += try await Self.addPublicKeys(text, to: keys)
        }
        self.keys = keys
        self.policy = policy
        self.algorithms = algorithms
    }

    /// Never the secret.
    public var description: String { "TokenAuthority(\(algorithms.joined(separator: ", ")), secret: ***)" }

    /// A random secret for a server started without one (printed nowhere).
    public static func randomSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString()
    }

    /// A token for `user`, valid for `ttl`.
    public func token(user: String, admin: Bool, ttl: Duration, now: Date = Date()) async throws -> String {
        guard !user.isEmpty, user.utf8.count <= 255, !user.contains("\0") else { throw TokenError("--user: must be 1–255 bytes without NUL characters") }
        guard ttl > .zero else { throw TokenError("--ttl: must be longer than zero") }
        let claims = TokenClaims(
            sub: SubjectClaim(value: user), role: admin ? "admin" : "user",
            exp: ExpirationClaim(value: now.addingTimeInterval(Double(ttl.components.seconds))), iat: IssuedAtClaim(value: now))
        return try await keys.sign(claims)
    }

    /// The identity a token carries, or why it is refused: malformed, an algorithm not allowed,
    /// a signature that does not verify, a missing or failing claim.
    public func verify(_ token: String, now: Date = Date()) async throws(TokenRejection) -> Identity {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerData = Self.base64URL(parts[0]),
            let header = try? JSONDecoder().decode([String: JSONValue].self, from: headerData)
        else { throw TokenRejection("The token is not a JWT (three base64url parts, the first a JSON header)") }
        guard case .string(let algorithm)? = header["alg"], algorithms.contains(algorithm) else {
            let given = if case .string(let name)? = header["alg"] { MessageText.quoted(name, limit: 16) } else { "none given" }
            throw TokenRejection("The token's algorithm (\(given)) is not allowed here (allowed: \(algorithms.joined(separator: ", ")))")
        }
        let claims: ReceivedClaims
        do {
            claims = try await keys.verify(token, as: ReceivedClaims.self, iteratingKeys: true)
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed || error.errorType == .unknownKID {
            throw TokenRejection("The token's signature does not verify: it was signed with another secret or key")
        } catch {
            throw TokenRejection("The token could not be read: its payload is not a JSON object of claims")
        }
        return try identity(from: claims, now: now)
    }

    private func identity(from claims: ReceivedClaims, now: Date) throws(TokenRejection) -> Identity {
        guard case .string(let subject)? = claims.claims["sub"], !subject.isEmpty else { throw TokenRejection("The token has no 'sub' claim (the user)") }
        guard subject.utf8.count <= 255, !subject.contains("\0") else { throw TokenRejection("The token's 'sub' must be 1–255 bytes without NUL characters") }
        guard let expiry = claims.seconds("exp") else { throw TokenRejection("The token has no 'exp' claim (when it expires)") }
        let expiresAt = Date(timeIntervalSince1970: expiry)
        guard now < expiresAt else { throw TokenRejection("The token expired at \(Self.format(expiresAt))") }
        if let notBefore = claims.seconds("nbf"), now.addingTimeInterval(Self.notBeforeLeeway) < Date(timeIntervalSince1970: notBefore) {
            throw TokenRejection("The token is not valid before \(Self.format(Date(timeIntervalSince1970: notBefore)))")
        }
        if let issuer = policy.issuer {
            guard case .string(let given)? = claims.claims["iss"] else { throw TokenRejection("The token has no 'iss' claim; this server expects '\(issuer)' (CONVEYOR_JWT_ISSUER)") }
            guard given == issuer else {
                throw TokenRejection("The token's issuer \(MessageText.quoted(given, limit: 80)) is not '\(issuer)' (CONVEYOR_JWT_ISSUER)")
            }
        }
        if let audience = policy.audience {
            let given: [String] = switch claims.claims["aud"] {
            case .string(let one)?: [one]
            case .array(let many)?: many.compactMap { if case .string(let text) = $0 { text } else { nil } }
            default: []
            }
            guard given.contains(audience) else { throw TokenRejection("The token's audience does not include '\(audience)' (CONVEYOR_JWT_AUDIENCE)") }
        }
        let isAdmin: Bool
        switch claims.value(at: policy.roleClaim) {
        case nil, .null?: isAdmin = false
        case .string(let role)?:
            guard role == "admin" || role == "user" else {
                throw TokenRejection("The token's '\(policy.roleClaim)' claim must be admin or user, not \(MessageText.quoted(role, limit: 32))")
            }
            isAdmin = role == "admin"
        case .array(let roles)?: isAdmin = roles.contains(.string("admin"))
        default: throw TokenRejection("The token's '\(policy.roleClaim)' claim must be a string or an array of strings")
        }
        return Identity(subject: subject, isAdmin: isAdmin, expiresAt: expiresAt)
    }

    /// Adds the RS256/ES256 keys of a PEM text (one or more `PUBLIC KEY` blocks) or a JWKS
    /// document; returns the algorithms they allow.
    private static func addPublicKeys(_ text: String, to keys: JWTKeyCollection) async throws -> [String] {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("{") {
            do {
                try await keys.add(jwksJSON: trimmed)
            } catch {
                throw TokenError("CONVEYOR_JWT_PUBLIC_KEYS: the JWKS document cannot be used (\(error))")
            }
            return ["RS256", "ES256"]
        }
        let blocks = trimmed.components(separatedBy: "-----END PUBLIC KEY-----").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }.map { $0 + "\n-----END PUBLIC KEY-----\n" }
        guard !blocks.isEmpty, blocks.allSatisfy({ $0.contains("-----BEGIN PUBLIC KEY-----") }) else {
            throw TokenError("CONVEYOR_JWT_PUBLIC_KEYS: expected a JWKS document or PEM 'PUBLIC KEY' blocks")
        }
        var algorithms: Set<String> = []
        for (index, pem) in blocks.enumerated() {
            let kid = JWKIdentifier(string: "pem-\(index)")
            if let key = try? Insecure.RSA.PublicKey(pem: pem) {
                await keys.add(rsa: key, digestAlgorithm: .sha256, kid: kid)
                algorithms.insert("RS256")
            } else if let key = try? ES256PublicKey(pem: pem) {
                await keys.add(ecdsa: key, kid: kid)
                algorithms.insert("ES256")
            } else {
                throw TokenError("CONVEYOR_JWT_PUBLIC_KEYS: key \(index + 1) is neither an RSA nor a P-256 public key")
            }
        }
        return algorithms.sorted()
    }

    private static func base64URL(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }

    private static func format(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle()) }
}
