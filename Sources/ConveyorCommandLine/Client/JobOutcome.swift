import ArgumentParser
import Conveyor
import ConveyorAPI
import Foundation

/// Prints how a job ended and fails the command unless it completed.
enum JobOutcome {
    static func report(status: JobStatus, result: JSONValue?, error: JobFailure?) throws {
        if status == .completed {
            Printing.line("completed")
            if let result, result != .null, let data = try? APICoding.encoder.encode(result) { Printing.json(data) }
            return
        }
        Printing.line("\(status.rawValue)\(error.map { ": \($0.message)" } ?? "")")
        throw ExitCode.failure
    }

    static func report(_ finished: JobFinishedMessage) throws {
        try report(status: finished.status, result: finished.result, error: finished.error)
    }

    static func report(_ job: JobResource) throws {
        try report(status: job.status, result: job.result, error: job.error)
    }
}
