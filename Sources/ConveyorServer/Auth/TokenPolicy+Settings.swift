public import Configuration
public import Conveyor
import Foundation

extension TokenPolicy {
    /// Reads `jwtIssuer`, `jwtAudience`, `jwtRoleClaim` and `jwtPublicKeys` (a PEM or JWKS file,
    /// read here) under `scope`, and throws every bad one at once, named by its key.
    public init(config: ConfigReader, scope: [String] = ["conveyor"]) throws(ConfigurationProblem) {
        var settings = SettingsReader(config, scope: scope)
        self.init(issuer: settings.text("jwtIssuer"), audience: settings.text("jwtAudience"))
        if let claim = settings.text("jwtRoleClaim") {
            if claim.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
                settings.report("jwtRoleClaim", "'\(claim)' is not a claim name or dotted path such as role or realm_access.roles")
            } else {
                roleClaim = claim
            }
        }
        if let file = settings.text("jwtPublicKeys") {
            if let text = try? String(contentsOfFile: file, encoding: .utf8) {
                publicKeys = text
            } else {
                settings.report("jwtPublicKeys", "cannot read \(file) (a PEM file of public keys or a JWKS document)")
            }
        }
        try settings.check()
    }
}
