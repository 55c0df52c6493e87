import ArgumentParser

/// `conveyor memory`: the server's memory budget.
struct MemoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "memory", abstract: "Show the server's memory budget.")
    @OptionGroup var clientOptions: ClientOptions

    func run() async throws {
        Printing.json(try await clientOptions.client().send("GET", "api/memory"))
    }
}
