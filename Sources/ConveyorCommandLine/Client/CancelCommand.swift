import ArgumentParser

/// `conveyor cancel ID`: cancels a scheduled, queued or running job.
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Cancel a job (running jobs too).")
    @OptionGroup var clientOptions: ClientOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The job id.") var jobID: String

    func run() async throws {
        let data = try await clientOptions.client().send("POST", "api/jobs/\(jobID)/cancel")
        if !output.quiet { Printing.json(data) }
    }
}
