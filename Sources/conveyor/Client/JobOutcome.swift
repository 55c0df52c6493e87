import Foundation
import ArgumentParser

/// Prints a `job:finished` message and fails the command unless the job completed.
enum JobOutcome {
    static func report(_ finished: [String: Any]) throws {
        let status = finished["status"] as? String ?? "unknown"
        if status == "completed" {
            Printing.line("completed")
            if let result = finished["result"], !(result is NSNull) { Printing.json(result) }
            return
        }
        let message = (finished["error"] as? [String: Any])?["message"] as? String
        Printing.line("\(status)\(message.map { ": \($0)" } ?? "")")
        throw ExitCode.failure
    }
}
