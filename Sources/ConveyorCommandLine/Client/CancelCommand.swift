import ArgumentParser

/// `conveyor cancel ID`: cancels a scheduled, queued or running job.
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Cancel a job (running jobs too).")
    @OptionGroup var clientOptions: ClientOptions
    @Argument(help: "The job id.") var jobID: String

    func run() async throws {
        Printing.json(try await clientOptions.client().send("POST", "api/jobs/\(jobID)/cancel"))
    }
}
