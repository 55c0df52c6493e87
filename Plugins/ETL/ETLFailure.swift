import Conveyor

/// Why a whole `etl` job cannot go on (a bad field name in a transform, an unreadable source, a
/// table that does not fit): permanent, naming what to fix — unless `retryable` says trying again
/// later may succeed (a database that did not answer or dropped the connection).
struct ETLFailure: Error, CustomStringConvertible {
    let description: String
    var retryable = false
    init(_ description: String, retryable: Bool = false) {
        self.description = description
        self.retryable = retryable
    }

    /// The job's outcome.
    var jobError: JobError {
        retryable ? .retryable(description, code: "etl_failed") : .permanent(description, code: "etl_failed")
    }
}
