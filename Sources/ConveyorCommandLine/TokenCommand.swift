import ArgumentParser
import Conveyor
import ConveyorServer

/// `conveyor token --user NAME [--admin] [--ttl 24h]`: signs a token with CONVEYOR_JWT_SECRET,
/// or without it with the secret `serve` keeps beside the SQLite store (``SecretFile``).
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Make an API token (with CONVEYOR_JWT_SECRET, or the secret serve keeps beside a SQLite store).")
    @OptionGroup var storeOptions: StoreOptions
    @Option(help: "The user (the token's sub; owner of the jobs it enqueues).") var user: String
    @Flag(help: "Role admin: every job, dead-letter, pause, cleanup.") var admin = false
    @Option(help: "How long the token is valid (e.g. 24h, 7d).") var ttl = "24h"

    func run() async throws {
        guard let duration = DurationText.parse(ttl) else { throw ValidationError("--ttl: '\(ttl)' is not a duration such as 30m, 24h or 7d") }
        let settings = try await storeOptions.settings()
        let url = StoreOptions.url(in: settings)
        let file = SecretFile(store: url)
        guard let secret = try settings.values["CONVEYOR_JWT_SECRET"] ?? file?.read() else {
            if let file {
                throw ValidationError("CONVEYOR_JWT_SECRET: is not set, and \(file.path) does not exist yet: start `conveyor serve --store \(url)` once, or set the secret")
            }
            throw ValidationError("CONVEYOR_JWT_SECRET: is not set; tokens for a \(StoreOptions.safeDescription(url)) server are signed with the secret it was given")
        }
        do {
            Printing.line(try await TokenAuthority(secret: secret).token(user: user, admin: admin, ttl: duration))
        } catch let error as TokenError {
            throw ValidationError(error.description)
        }
    }
}
