import JWTKit

/// The claims of a token Conveyor signs: owner (`sub`), `role`, expiry and issue time.
struct TokenClaims: JWTPayload {
    var sub: SubjectClaim
    var role: String
    var exp: ExpirationClaim
    var iat: IssuedAtClaim

    /// Only signed here; tokens received are checked as ``ReceivedClaims`` by `TokenAuthority`.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
