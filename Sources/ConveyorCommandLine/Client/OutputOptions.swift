import ArgumentParser

/// `--json` and `-q` for client commands: what a script reads (the server's JSON, or ids
/// alone) instead of lines for people.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print the server's JSON answer.") var json = false
    @Flag(name: [.customShort("q"), .long], help: "Print only ids (or nothing); the exit code tells the outcome.") var quiet = false

    func validate() throws {
        if json && quiet { throw ValidationError("--json and --quiet: give one or the other") }
    }
}
