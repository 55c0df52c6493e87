public import Foundation
import JWTKit

/// Signs and checks the HS256 tokens of DESIGN §5 with one shared secret. The secret stays
/// inside: descriptions, errors and logs never show it.
public struct TokenAuthority: Sendable, CustomStringConvertible {
    private let keys: JWTKeyCollection

    /// Refuses secrets shorter than 32 bytes (the SHA-256 block HS256 needs): HS256 with a guessable secret is no protection.
    public init(secret: String) async throws {
        guard secret.utf8.count >= 32 else {
            throw TokenError("CONVEYOR_JWT_SECRET: must be at least 32 bytes long (got \(secret.utf8.count))")
        }
        keys = await JWTKeyCollection().add(hmac: HMACKey(from: Array(secret.utf8)), digestAlgorithm: .sha256)
    }

    /// Never the secret.
    public var description: String { "TokenAuthority(HS256, secret: ***)" }

    /// A random secret for a server started without one (printed nowhere).
    public static func randomSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString()
    }

    /// A token for `user`, valid for `ttl`.
    public func token(user: String, admin: Bool, ttl: Duration, now: Date = Date()) async throws -> String {
        guard !user.isEmpty, user.utf8.count <= 255 else { throw TokenError("--user: must be 1–255 bytes long") }
        guard ttl > .zero else { throw TokenError("--ttl: must be longer than zero") }
        let claims = TokenClaims(
            sub: SubjectClaim(value: user), role: admin ? "admin" : "user",
            exp: ExpirationClaim(value: now.addingTimeInterval(Double(ttl.components.seconds))), iat: IssuedAtClaim(value: now))
        return try await keys.sign(claims)
    }

    /// The identity a token carries, or `nil` when it is malformed, forged or expired.
    public func identity(of token: String) async -> Identity? {
        guard let claims = try? await keys.verify(token, as: TokenClaims.self) else { return nil }
        return Identity(subject: claims.sub.value, isAdmin: claims.role == "admin")
    }
}
