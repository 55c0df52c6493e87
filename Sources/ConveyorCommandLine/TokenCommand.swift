import ArgumentParser
import Conveyor
import ConveyorServer

/// `conveyor token --user NAME [--admin] [--ttl 24h]`: signs a token with CONVEYOR_JWT_SECRET.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Make an API token (needs CONVEYOR_JWT_SECRET).")
    @OptionGroup var storeOptions: StoreOptions
    @Option(help: "The user (the token's sub; owner of the jobs it enqueues).") var user: String
    @Flag(help: "Role admin: every job, dead-letter, pause, cleanup.") var admin = false
    @Option(help: "How long the token is valid (e.g. 24h, 7d).") var ttl = "24h"

    func run() async throws {
        guard let duration = DurationText.parse(ttl) else { throw ValidationError("--ttl: '\(ttl)' is not a duration such as 30m, 24h or 7d") }
        guard let secret = try await storeOptions.settings().values["CONVEYOR_JWT_SECRET"] else {
            throw ValidationError("CONVEYOR_JWT_SECRET: is not set; tokens are signed with the server's secret")
        }
        do {
            print(try await TokenAuthority(secret: secret).token(user: user, admin: admin, ttl: duration))
        } catch let error as TokenError {
            throw ValidationError(error.description)
        }
    }
}
