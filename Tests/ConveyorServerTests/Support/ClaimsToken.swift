import Conveyor
import Foundation
import JWTKit

/// Tokens with exactly the claims a test chooses — no `iat`, an `nbf` ahead, another issuer —
/// signed as an identity provider or an attacker would sign them.
struct ClaimsToken: JWTPayload {
    var claims: [String: JSONValue]

    init(_ claims: [String: JSONValue]) { self.claims = claims }
    init(from decoder: any Decoder) throws { claims = try [String: JSONValue](from: decoder) }
    func encode(to encoder: any Encoder) throws { try claims.encode(to: encoder) }
    func verify(using algorithm: some JWTAlgorithm) async throws {}

    /// `exp` `seconds` from now, as a NumericDate.
    static func expiry(in seconds: Double) -> JSONValue { .integer(Int64(Date().timeIntervalSince1970 + seconds)) }

    /// Signed with HS256 and `secret`.
    func signed(secret: String) async throws -> String {
        try await JWTKeyCollection().add(hmac: HMACKey(from: Array(secret.utf8)), digestAlgorithm: .sha256).sign(self)
    }

    /// Signed with an ES256 private key.
    func signed(es256 key: ES256PrivateKey) async throws -> String {
        try await JWTKeyCollection().add(ecdsa: key).sign(self)
    }
}
