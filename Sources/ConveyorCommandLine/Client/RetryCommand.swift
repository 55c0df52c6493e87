import ArgumentParser

/// `conveyor retry ID`: puts a failed or cancelled job back in its queue, attempts reset.
struct RetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "retry", abstract: "Retry a failed or cancelled job.")
    @OptionGroup var clientOptions: ClientOptions
    @Argument(help: "The job id.") var jobID: String

    func run() async throws {
        Printing.json(try await clientOptions.client().send("POST", "api/jobs/\(jobID)/retry"))
    }
}
