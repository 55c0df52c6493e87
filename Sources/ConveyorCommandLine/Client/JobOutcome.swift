import ArgumentParser
import Conveyor
import ConveyorAPI
import Foundation

/// Prints how a job ended — `completed` and its result, or the state and its error; the job's
/// JSON with `--json`; nothing with `-q` — and fails the command unless it completed.
enum JobOutcome {
    static func report(status: JobStatus, result: JSONValue?, error: JobFailure?, output: OutputOptions) throws {
        if !output.quiet {
            if status == .completed {
                Printing.line("completed")
                if let result, result != .null, let data = try? APICoding.encoder.encode(result) { Printing.json(data) }
            } else {
                Printing.line("\(status.rawValue)\(error.map { ": \($0.message)" } ?? "")")
            }
        }
        if status != .completed { throw ExitCode.failure }
    }

    /// Follows `jobID` live (progress on stderr, unless `-q`) until it ends, then reports it.
    static func follow(_ jobID: String, maxAttempts: Int?, client: ServerClient, output: OutputOptions) async throws {
        let finished = try await JobWatcher(client: client, drawsProgress: !output.quiet, maxAttempts: maxAttempts).watch(jobID)
        guard output.json else { return try report(status: finished.status, result: finished.result, error: finished.error, output: output) }
        let data = try await client.send("GET", "api/jobs/\(jobID)")
        Printing.json(data)
        if finished.status != .completed { throw ExitCode.failure }
    }

    /// Reports a job already read (`status ID`): its JSON unless `-q`, then the exit code.
    static func report(_ data: Data, output: OutputOptions) throws {
        let job = try ServerClient.decode(JobResource.self, from: data)
        if output.quiet { Printing.line(job.status.rawValue) } else { Printing.json(data) }
    }
}
