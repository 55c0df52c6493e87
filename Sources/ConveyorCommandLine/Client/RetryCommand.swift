import ArgumentParser

/// `conveyor retry ID`: puts a failed or cancelled job back in its queue, attempts reset.
struct RetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "retry", abstract: "Retry a failed or cancelled job.")
    @OptionGroup var clientOptions: ClientOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The job id.") var jobID: String

    func run() async throws {
        let data = try await clientOptions.client().send("POST", "api/jobs/\(jobID)/retry")
        if !output.quiet { Printing.json(data) }
    }
}
