import JWTKit

/// The claims of a Conveyor token: owner (`sub`), `role` and expiry.
struct TokenClaims: JWTPayload {
    var sub: SubjectClaim
    var role: String
    var exp: ExpirationClaim
    var iat: IssuedAtClaim

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
        guard role == "admin" || role == "user" else {
            throw JWTError.claimVerificationFailure(failedClaim: nil, reason: "role must be admin or user")
        }
    }
}
