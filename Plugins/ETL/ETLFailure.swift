import Conveyor
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a whole `etl` job cannot go on (a bad field name in a transform, an unreadable source, a
/// table that does not fit): permanent, naming what to fix — unless `isPermanent` is false: trying
/// again later may succeed (a database that did not answer or dropped the connection, a machine out of
/// file descriptors or disk space).
struct ETLFailure: Error, CustomStringConvertible {
    let description: String
    var isPermanent = true
    init(_ description: String, isPermanent: Bool = true) {
        self.description = description
        self.isPermanent = isPermanent
    }

    /// A system call that failed with `code`: what ran out on the machine (descriptors, disk,
    /// memory) passes, so the job is tried again; anything else is the payload's to fix.
    static func system(_ code: Int32, _ what: String) -> ETLFailure {
        ETLFailure("\(what): \(String(cString: strerror(code)))", isPermanent: !isExhaustion(code))
    }

    /// Errors that say the machine ran out of something, not that the request is wrong.
    static func isExhaustion(_ code: Int32) -> Bool {
        [EMFILE, ENFILE, ENOSPC, EDQUOT, ENOMEM, EAGAIN, EINTR].contains(code)
    }

    /// The job's outcome.
    var jobError: JobError {
        JobError(code: "etl_failed", message: description, isPermanent: isPermanent)
    }
}
