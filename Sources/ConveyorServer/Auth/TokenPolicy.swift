/// What a server checks in tokens beyond their signature, and which other keys may sign them —
/// for tokens from an identity provider (Keycloak, Auth0, Dex…) next to Conveyor's own.
public struct TokenPolicy: Sendable, Hashable {
    /// The `iss` every token must carry (setting `jwtIssuer`); `nil` checks none.
    public var issuer: String?
    /// An audience every token's `aud` must include (setting `jwtAudience`); `nil` checks none.
    public var audience: String?
    /// The claim holding the role (setting `jwtRoleClaim`, default `role`); a dotted path
    /// reaches into objects (`realm_access.roles`). A string must be `admin` or `user`; an
    /// array makes its holder an admin when it contains `admin`. No claim: a user.
    public var roleClaim: String
    /// Text of a PEM file (RS256 or ES256 public keys) or a JWKS document whose keys may sign
    /// tokens too (setting `jwtPublicKeys` names the file).
    public var publicKeys: String?

    public init(issuer: String? = nil, audience: String? = nil, roleClaim: String = "role", publicKeys: String? = nil) {
        self.issuer = issuer
        self.audience = audience
        self.roleClaim = roleClaim
        self.publicKeys = publicKeys
    }
}
