import Conveyor
import JWTKit

/// The claims of a token as received, every one kept, so the checks after the signature can name
/// what is missing or wrong instead of failing in the decoder.
struct ReceivedClaims: JWTPayload {
    let claims: [String: JSONValue]

    init(from decoder: any Decoder) throws {
        claims = try [String: JSONValue](from: decoder)
    }

    func encode(to encoder: any Encoder) throws { try claims.encode(to: encoder) }

    /// The signature is checked by JWTKit; the claims by `TokenAuthority`, which names the problem.
    func verify(using algorithm: some JWTAlgorithm) async throws {}

    /// A claim by dotted path (`realm_access.roles`).
    func value(at path: String) -> JSONValue? {
        var current: JSONValue? = .object(claims)
        for part in path.split(separator: ".") {
            guard case .object(let fields)? = current else { return nil }
            current = fields[String(part)]
        }
        return current
    }

    /// A NumericDate claim (seconds since 1970).
    func seconds(_ name: String) -> Double? {
        switch claims[name] {
        case .integer(let number)?: Double(number)
        case .number(let number)?: number
        default: nil
        }
    }
}
